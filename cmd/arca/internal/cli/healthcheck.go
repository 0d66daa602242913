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
	cmd := unconfigured(command("healthcheck URL", cobra.ExactArgs(1), "Exit 0 if an HTTP GET of URL answers 2xx (container healthchecks)",
		func(ctx context.Context, args []string) error {
			ctx, cancel := context.WithTimeout(ctx, timeout)
			defer cancel()
			return usage(health.Probe(ctx, args[0]), health.ErrBadURL)
		}))
	cmd.Flags().DurationVar(&timeout, "timeout", timeout, "give up after this long")
	return cmd
}
