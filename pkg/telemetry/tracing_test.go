package telemetry_test

import (
	"context"
	"io"
	"log/slog"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/arcabackup/arca/pkg/jobs"
	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/pkg/telemetry"
	"github.com/arcabackup/arca/pkg/teststack"
)

// A job published under a span is handled under a span of the same trace,
// parented on it, and so on at the next hop: export → encrypt.
func TestOneTraceFollowsAJobAcrossTwoNATSHops(t *testing.T) {
	t.Parallel()
	spans := tracetest.NewInMemoryExporter()
	b := setup(t, telemetry.WithSpanExporter(spans), telemetry.WithMetricsAddr("off"))
	n := teststack.NewNATS(t)
	require.NoError(t, jobs.EnsureStreams(t.Context(), n.JS, jobs.StreamOptions{}))
	cfg := jobs.Config{Tracer: b.tel.TracerProvider, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}

	job := exportJob("care-home-7")
	part := messages.PartReady{V: messages.Version, ArtifactPart: messages.ArtifactPart{Artifact: job.BackupID + "-a1", Tenant: job.Tenant, Kind: job.Kind, BackupID: job.BackupID, Part: 0, Last: true}, Size: 1, SHA256: strings.Repeat("ab", 32), StagingKey: "k/0.plain"}
	handled := make(chan trace.SpanContext, 2)
	runWorker(t, n, jobs.Stage{Name: messages.StageExport, Subject: messages.SubjectExport}, cfg,
		func(ctx context.Context, j *jobs.Job[messages.ExportRequested]) error {
			handled <- trace.SpanContextFromContext(ctx)
			return j.Publisher.Publish(ctx, messages.EncryptSubject(part.Artifact, 0), part,
				messages.PartReadyMsgID(part.Artifact, 0))
		})
	runWorker(t, n, jobs.Stage{Name: messages.StageEncrypt, Subject: messages.SubjectEncrypt}, cfg,
		func(ctx context.Context, _ *jobs.Job[messages.PartReady]) error {
			handled <- trace.SpanContextFromContext(ctx)
			return nil
		})

	ctx, root := b.tel.TracerProvider.Tracer("test").Start(t.Context(), "backup care-home-7")
	require.NoError(t, jobs.NewPublisher(n.JS).Publish(ctx, messages.ExportSubject(job.Tenant), job, messages.ExportMsgID(job.BackupID)))
	root.End()

	for range 2 {
		select {
		case sc := <-handled:
			require.Equal(t, root.SpanContext().TraceID(), sc.TraceID(), "handler runs in the job's trace")
		case <-time.After(teststack.MinWait):
			t.Fatal("the job did not reach both stages")
		}
	}
	// Spans are exported as they end; the delivery span ends after the ack.
	teststack.Eventually(t, 10*time.Second, func() bool { return len(spans.GetSpans()) >= 3 }, "three spans")

	got := map[string]tracetest.SpanStub{}
	for _, s := range spans.GetSpans() {
		got[s.Name] = s
	}
	export, encrypt := got[messages.StageExport], got[messages.StageEncrypt]
	traceID := root.SpanContext().TraceID()
	require.Equal(t, traceID, export.SpanContext.TraceID())
	require.Equal(t, traceID, encrypt.SpanContext.TraceID())
	require.Equal(t, root.SpanContext().SpanID(), export.Parent.SpanID(), "export span is the root's child")
	require.Equal(t, export.SpanContext.SpanID(), encrypt.Parent.SpanID(), "encrypt span is the export span's child")
	require.True(t, export.Parent.IsRemote() && encrypt.Parent.IsRemote(), "parents arrive through NATS headers")
	require.Equal(t, trace.SpanKindConsumer, encrypt.SpanKind)
	require.Equal(t, "arca-test", serviceName(export))
}

func serviceName(s tracetest.SpanStub) string {
	for _, kv := range s.Resource.Attributes() {
		if kv.Key == "service.name" {
			return kv.Value.AsString()
		}
	}
	return ""
}

func exportJob(tenant string) messages.ExportRequested {
	at := time.Date(2026, 11, 28, 1, 0, 0, 0, time.UTC)
	return messages.ExportRequested{
		V: messages.Version, Run: "run-1", Tenant: tenant, Kind: messages.KindTenant,
		BackupID: messages.BackupID(messages.KindTenant, "run-1", tenant, at), RequestedAt: at,
	}
}

// runWorker runs a worker until the test ends.
func runWorker[T messages.Message](t *testing.T, n *teststack.NATS, stage jobs.Stage, cfg jobs.Config, h jobs.Handler[T]) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- jobs.NewWorker(n.JS, stage, h, cfg).Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		require.NoError(t, <-done)
	})
}

// With no exporter configured, tracing is a no-op provider: nothing is
// recorded and nothing runs in the background.
func TestTracingIsOffWithoutAnExporter(t *testing.T) {
	for _, k := range []string{"OTEL_TRACES_EXPORTER", "OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_SDK_DISABLED"} {
		t.Setenv(k, "")
	}
	before := runtime.NumGoroutine()
	b := setup(t, telemetry.WithMetricsAddr("off"))
	require.LessOrEqual(t, runtime.NumGoroutine(), before, "Setup started goroutines")
	_, isSDK := b.tel.TracerProvider.(*sdktrace.TracerProvider)
	require.False(t, isSDK, "tracer provider is the SDK's, want a no-op")
	_, span := b.tel.TracerProvider.Tracer("test").Start(t.Context(), "nothing")
	require.False(t, span.IsRecording())
	require.False(t, span.SpanContext().IsValid())
	require.Empty(t, b.tel.MetricsAddr())
}

func TestTracingIsOnWhenAnOTLPEndpointIsSet(t *testing.T) {
	t.Setenv("OTEL_TRACES_EXPORTER", "")
	t.Setenv("OTEL_SDK_DISABLED", "")
	t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:1") // nothing listens: export fails, tracing still works
	b := setup(t, telemetry.WithMetricsAddr("off"))
	_, isSDK := b.tel.TracerProvider.(*sdktrace.TracerProvider)
	require.True(t, isSDK)
	_, span := b.tel.TracerProvider.Tracer("test").Start(t.Context(), "something")
	require.True(t, span.IsRecording()) // not ended: nothing to export at shutdown
}

func TestSDKDisabledTurnsEverythingOff(t *testing.T) {
	t.Setenv("OTEL_SDK_DISABLED", "true")
	t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:1")
	b := setup(t)
	_, isSDK := b.tel.TracerProvider.(*sdktrace.TracerProvider)
	require.False(t, isSDK)
	require.Empty(t, b.tel.MetricsAddr())
	require.Nil(t, b.tel.Handler())
	b.tel.Metrics.Part("export") // records nothing, and does not panic
}
