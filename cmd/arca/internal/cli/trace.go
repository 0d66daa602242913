package cli

import (
	"context"
	"time"

	"github.com/spf13/cobra"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"

	"github.com/arcabackup/arca/pkg/telemetry"
)

// traceOptions are added to the CLI's telemetry set-up (tests give an
// in-memory span exporter).
var traceOptions []telemetry.Option

// traced makes each command of cmd's tree that runs something the root of
// a trace: "arca backup tenant" is a span of service arca-cli, and the
// jobs it publishes carry its context, so the stages' spans are its
// descendants, as they are of the coordinator's for scheduled and API
// runs. Spans are exported where the OTEL_* environment asks for them
// (OTEL_EXPORTER_OTLP_ENDPOINT); otherwise nothing is recorded.
func (a *app) traced(cmd *cobra.Command) *cobra.Command {
	for _, c := range cmd.Commands() {
		a.traced(c)
	}
	run := cmd.RunE
	if run == nil {
		return cmd
	}
	cmd.RunE = func(c *cobra.Command, args []string) error {
		opts := append([]telemetry.Option{telemetry.WithLogger(a.log), telemetry.WithMetricsAddr("off")}, traceOptions...)
		tel, err := telemetry.Setup(c.Context(), "arca-cli", opts...)
		if err != nil {
			a.log.Warn("tracing off", "err", err)
			return run(c, args)
		}
		defer func() {
			ctx, cancel := context.WithTimeout(context.WithoutCancel(c.Context()), 5*time.Second)
			defer cancel()
			_ = tel.Shutdown(ctx) // flush the spans
		}()
		ctx, span := tel.TracerProvider.Tracer("github.com/arcabackup/arca/cmd/arca").Start(c.Context(), c.CommandPath(),
			trace.WithNewRoot(), trace.WithAttributes(attribute.StringSlice("arca.args", args)))
		c.SetContext(ctx)
		err = run(c, args)
		if err != nil {
			span.RecordError(err)
			span.SetStatus(codes.Error, err.Error())
		}
		span.End()
		return err
	}
	return cmd
}
