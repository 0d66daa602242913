package s3store_test

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/require"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/arcabackup/arca/pkg/objstore"
	"github.com/arcabackup/arca/pkg/objstore/s3store"
)

// Each S3 call is a span (the SDK's OpenTelemetry middleware), a child of
// the caller's.
func TestEachS3CallIsAChildSpan(t *testing.T) {
	t.Parallel()
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	s := newSetup(t, false, func(c *s3store.Config) { c.Tracer = tp })
	ctx, parent := tp.Tracer("test").Start(t.Context(), "upload part")
	_, err := s.store.Put(ctx, "k", bytes.NewReader([]byte("hello")), 5)
	require.NoError(t, err)
	rc, err := s.store.Get(ctx, "k", objstore.Range{})
	require.NoError(t, err)
	require.NoError(t, rc.Close())
	parent.End()

	names := map[string]bool{}
	for _, sp := range rec.Ended() {
		if sp.Parent().SpanID() == parent.SpanContext().SpanID() {
			names[sp.Name()] = true
		}
	}
	require.True(t, names["S3.PutObject"] && names["S3.GetObject"], "children: %v", names)
}
