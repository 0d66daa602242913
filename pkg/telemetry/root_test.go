package telemetry_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/arcabackup/arca/pkg/telemetry"
)

// Root makes fn the root of a new trace, named, with its args, and
// records fn's error on the span.
func TestRootSpanCarriesTheCommandAndItsError(t *testing.T) {
	exp := tracetest.NewInMemoryExporter()
	var inner trace.SpanContext
	boom := errors.New("boom")
	err := telemetry.Root(t.Context(), "arca-cli", "arca backup tenant", []string{"acme"}, func(ctx context.Context) error {
		inner = trace.SpanContextFromContext(ctx)
		return boom
	}, telemetry.WithSpanExporter(keepSpans{exp}))
	require.ErrorIs(t, err, boom)
	spans := exp.GetSpans()
	require.Len(t, spans, 1)
	require.Equal(t, "arca backup tenant", spans[0].Name)
	require.False(t, spans[0].Parent.IsValid(), "a root")
	require.Equal(t, inner.TraceID(), spans[0].SpanContext.TraceID())
	require.Equal(t, codes.Error, spans[0].Status.Code)
}

// keepSpans keeps the spans past the provider's shutdown (the in-memory
// exporter forgets them then).
type keepSpans struct{ *tracetest.InMemoryExporter }

func (keepSpans) Shutdown(context.Context) error { return nil }
