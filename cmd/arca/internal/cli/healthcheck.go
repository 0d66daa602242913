package cli

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/spf13/cobra"
)

// healthcheckCmd probes a service's HTTP endpoint (its /metrics, the API's
// /healthz): the container healthcheck of images without a shell or curl
// (deploy/compose, deploy/kubernetes exec probes).
func healthcheckCmd() *cobra.Command {
	timeout := 3 * time.Second
	cmd := &cobra.Command{
		Use:   "healthcheck URL",
		Short: "Exit 0 if an HTTP GET of URL answers 2xx (container healthchecks)",
		Args:  cobra.ExactArgs(1),
		// Needs no configuration, keyring or service.
		PersistentPreRunE: func(*cobra.Command, []string) error { return nil },
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, cancel := context.WithTimeout(cmd.Context(), timeout)
			defer cancel()
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, args[0], nil)
			if err != nil {
				return usageError{err}
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				return err
			}
			_ = resp.Body.Close() // read side: a close error loses nothing
			if resp.StatusCode/100 != 2 {
				return fmt.Errorf("healthcheck %s: %s", args[0], resp.Status)
			}
			return nil
		},
	}
	cmd.Flags().DurationVar(&timeout, "timeout", timeout, "give up after this long")
	return cmd
}
