package cli

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/pkg/telemetry"
)

// `arca backup tenant` is the root span of its trace, and the export job
// it queues carries that trace, so the stages' spans descend from it.
// Not parallel: it sets traceOptions, which parallel tests read.
func TestABackupFromTheCLIIsTheRootOfItsTrace(t *testing.T) {
	exp := tracetest.NewInMemoryExporter()
	traceOptions = []telemetry.Option{telemetry.WithSpanExporter(keep{exp})}
	t.Cleanup(func() { traceOptions = nil })
	path, n := acmeWithCatalog(t)
	var out, stderr bytes.Buffer
	require.NoError(t, Execute(context.Background(), []string{"--config", path, "backup", "tenant", "acme"}, &out, &stderr), stderr.String())

	var root tracetest.SpanStub
	for _, s := range exp.GetSpans() {
		if s.Name == "arca backup tenant" {
			root = s
		}
	}
	require.True(t, root.SpanContext.IsValid(), "a root span: %v", exp.GetSpans())
	require.False(t, root.Parent.IsValid(), "it has no parent")
	require.Equal(t, "arca-cli", serviceName(root))

	stream, err := n.JS.Stream(t.Context(), messages.StreamJobs)
	require.NoError(t, err)
	msg, err := stream.GetLastMsgForSubject(t.Context(), messages.ExportSubject("acme"))
	require.NoError(t, err)
	tp := msg.Header.Get("traceparent")
	require.True(t, strings.Contains(tp, root.SpanContext.TraceID().String()), "the job carries the trace: %q", tp)
}

// keep keeps the spans past the shutdown (which empties the in-memory
// exporter).
type keep struct{ *tracetest.InMemoryExporter }

func (keep) Shutdown(context.Context) error { return nil }

func serviceName(s tracetest.SpanStub) string {
	for _, kv := range s.Resource.Attributes() {
		if kv.Key == "service.name" {
			return kv.Value.AsString()
		}
	}
	return ""
}
