package jobs

import (
	"context"
	"encoding/json"
	"errors"

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

// PartError is a failure of one part, which a handler of another part's
// job may meet (the uploader hashes whichever part is next in order).
type PartError struct {
	Part int
	Err  error
}

func (e *PartError) Error() string { return e.Err.Error() }
func (e *PartError) Unwrap() error { return e.Err }

// InPart marks err as the failure of part n: the delivery span then names
// n as its arca.part (the failing part) and the job's own part as
// arca.job_part.
func InPart(n int, err error) error {
	if err == nil {
		return nil
	}
	return &PartError{Part: n, Err: err}
}

// failedPartAttributes names the failing part on an error span when it is
// not the job's own.
func failedPartAttributes(herr error, data []byte) []attribute.KeyValue {
	var pe *PartError
	if !errors.As(herr, &pe) {
		return nil
	}
	var p struct {
		Part *int `json:"part"`
	}
	kv := []attribute.KeyValue{attribute.Int("arca.part", pe.Part)}
	if json.Unmarshal(data, &p) == nil && p.Part != nil {
		kv = append(kv, attribute.Int("arca.job_part", *p.Part))
	}
	return kv
}
