package telemetry

import (
	"context"
	"fmt"
	"strings"

	"go.opentelemetry.io/contrib/exporters/autoexport"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/noop"
)

// tracingWanted reports whether the environment asks for spans to be
// exported: OTEL_SDK_DISABLED=true turns everything off; otherwise
// OTEL_TRACES_EXPORTER names the exporter ("none" is off), and when it is
// unset an OTLP endpoint (OTEL_EXPORTER_OTLP_ENDPOINT or
// OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) turns OTLP on. With none of them set
// tracing is off: the OpenTelemetry default of exporting to localhost:4318
// would make every service retry a collector that is not there.
func tracingWanted(getenv func(string) string) bool {
	if sdkDisabled(getenv) {
		return false
	}
	switch exp := strings.TrimSpace(getenv("OTEL_TRACES_EXPORTER")); exp {
	case "":
		return getenv("OTEL_EXPORTER_OTLP_ENDPOINT") != "" || getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") != ""
	case "none":
		return false
	default:
		return true
	}
}

// sdkDisabled reports OTEL_SDK_DISABLED=true, which the specification says
// turns every signal into a no-op.
func sdkDisabled(getenv func(string) string) bool {
	return strings.EqualFold(strings.TrimSpace(getenv("OTEL_SDK_DISABLED")), "true")
}

// newTracerProvider returns the provider spans go to, and its shutdown. A
// no-op provider (nothing recorded, nothing running) is returned when
// tracing is not wanted and no exporter was given.
func newTracerProvider(ctx context.Context, o *options, res *resource.Resource, getenv func(string) string) (trace.TracerProvider, func(context.Context) error, error) {
	if o.spanExporter != nil {
		tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(o.spanExporter), sdktrace.WithResource(res))
		return tp, tp.Shutdown, nil
	}
	if !tracingWanted(getenv) {
		return noop.NewTracerProvider(), nop, nil
	}
	exp, err := autoexport.NewSpanExporter(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("telemetry: span exporter: %w", err)
	}
	if autoexport.IsNoneSpanExporter(exp) {
		return noop.NewTracerProvider(), nop, nil
	}
	// The batcher honours OTEL_BSP_*, the provider OTEL_TRACES_SAMPLER.
	tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exp), sdktrace.WithResource(res))
	return tp, tp.Shutdown, nil
}

func nop(context.Context) error { return nil }
