package cli

import (
	"context"
	"time"

	"github.com/spf13/cobra"

	"github.com/arcabackup/arca/pkg/health"
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
			return usage(health.Probe(ctx, args[0]), health.ErrBadURL)
		},
	}
	cmd.Flags().DurationVar(&timeout, "timeout", timeout, "give up after this long")
	return cmd
}
