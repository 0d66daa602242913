package jobs

import (
	"context"
	"encoding/json"

	"github.com/nats-io/nats.go/jetstream"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"

	"github.com/arcabackup/arca/pkg/messages"
)

const tracerName = "github.com/arcabackup/arca/pkg/jobs"

// startDeliverySpan opens the span of one delivery, parented on the trace
// context the publisher put in the headers.
func startDeliverySpan(ctx context.Context, tp trace.TracerProvider, stage string, msg jetstream.Msg, delivered uint64) (context.Context, trace.Span) {
	if h := msg.Headers(); h != nil {
		ctx = propagation.TraceContext{}.Extract(ctx, messages.HeaderCarrier(h))
	}
	return tp.Tracer(tracerName).Start(ctx, stage,
		trace.WithSpanKind(trace.SpanKindConsumer),
		trace.WithAttributes(
			attribute.String("messaging.system", "nats"),
			attribute.String("messaging.destination.name", msg.Subject()),
			attribute.String("arca.stage", stage),
			attribute.Int64("messaging.nats.delivery_count", int64(delivered)),
		))
}

// refAttributes names what a job is about on its span: tenant, backup,
// kind and, for part jobs, the artifact, the part and its size.
func refAttributes(r messages.Ref, data []byte) []attribute.KeyValue {
	kv := []attribute.KeyValue{
		attribute.String("arca.tenant", r.Tenant),
		attribute.String("arca.backup_id", r.BackupID),
		attribute.String("arca.kind", string(r.Kind)),
	}
	var p struct {
		Artifact string `json:"artifact"`
		Part     *int   `json:"part"`
		Size     int64  `json:"size"`
	}
	if json.Unmarshal(data, &p) == nil && p.Part != nil {
		kv = append(kv, attribute.String("arca.artifact", p.Artifact), attribute.Int("arca.part", *p.Part), attribute.Int64("arca.bytes", p.Size))
	}
	return kv
}
