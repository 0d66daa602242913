package telemetry

import (
	"context"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

// Root runs fn as the root span name of a new trace of service (a command
// of the CLI: "arca backup tenant" is a span of arca-cli, and the jobs it
// publishes carry its context, so the stages' spans descend from it). The
// span records args and fn's error; spans are flushed before Root
// returns. Tracing that cannot be set up is logged (WithLogger) and fn
// runs untraced. Metrics are not served.
func Root(ctx context.Context, service, name string, args []string, fn func(context.Context) error, opts ...Option) error {
	o := options{}
	for _, opt := range opts {
		opt(&o)
	}
	tel, err := Setup(ctx, service, append(opts, WithMetricsAddr("off"))...)
	if err != nil {
		if o.logger != nil {
			o.logger.Warn("tracing off", "err", err)
		}
		return fn(ctx)
	}
	defer func() {
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		_ = tel.Shutdown(sctx) // flush the spans
	}()
	ctx, span := tel.TracerProvider.Tracer("github.com/arcabackup/arca/cmd/arca").Start(ctx, name,
		trace.WithNewRoot(), trace.WithAttributes(attribute.StringSlice("arca.args", args)))
	err = fn(ctx)
	if err != nil {
		span.RecordError(err)
		span.SetStatus(codes.Error, err.Error())
	}
	span.End()
	return err
}
