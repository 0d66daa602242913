package cli

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/arcabackup/arca/pkg/telemetry"
)

// traceOptions are added to the CLI's telemetry set-up (tests give an
// in-memory span exporter).
var traceOptions []telemetry.Option

// traced makes each command of cmd's tree that runs something the root of
// a trace (telemetry.Root): "arca backup tenant" is a span of service
// arca-cli, and the jobs it publishes carry its context, so the stages'
// spans are its descendants, as they are of the coordinator's for
// scheduled and API runs. Spans are exported where the OTEL_* environment
// asks for them (OTEL_EXPORTER_OTLP_ENDPOINT); otherwise nothing is
// recorded.
func (a *app) traced(cmd *cobra.Command) *cobra.Command {
	for _, c := range cmd.Commands() {
		a.traced(c)
	}
	run := cmd.RunE
	if run == nil {
		return cmd
	}
	cmd.RunE = func(c *cobra.Command, args []string) error {
		opts := append([]telemetry.Option{telemetry.WithLogger(a.log)}, traceOptions...)
		return telemetry.Root(c.Context(), "arca-cli", c.CommandPath(), args, func(ctx context.Context) error {
			c.SetContext(ctx)
			return run(c, args)
		}, opts...)
	}
	return cmd
}
