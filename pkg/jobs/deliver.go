package jobs

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"go.opentelemetry.io/otel/codes"

	"github.com/arcabackup/arca/pkg/messages"
)

// deliver handles one delivery from decode to ack, nak or dead letter.
func (w *Worker[T]) deliver(ctx context.Context, msg jetstream.Msg) {
	meta, err := msg.Metadata()
	if err != nil {
		w.cfg.Logger.Error("message without metadata", "stage", w.stage.Name, "err", err)
		w.handBack(msg)
		return
	}
	delivered := meta.NumDelivered
	if _, busy := w.handling.LoadOrStore(meta.Sequence.Stream, true); busy {
		// A repeat of a job this replica is still working on (a heartbeat
		// lost under load, a consumer failover): keep it from coming back
		// again; the first delivery's ack settles both.
		_ = msg.InProgress()
		return
	}
	defer w.handling.Delete(meta.Sequence.Stream)
	w.cfg.Observer.Delivered(w.stage.Name, delivered)
	start, outcome := time.Now(), OutcomeAcked
	defer func() { w.cfg.Observer.Finished(w.stage.Name, outcome, time.Since(start)) }()
	ctx, span := startDeliverySpan(ctx, w.cfg.Tracer, w.stage.Name, msg, delivered)
	defer span.End()

	ref := messages.PeekRef(msg.Data())
	span.SetAttributes(refAttributes(ref, msg.Data())...)

	job, err := messages.Decode[T](msg.Data())
	if err != nil {
		outcome = w.deadLetter(ctx, msg, meta, ref, fmt.Sprintf("malformed message: %v", err))
		span.SetStatus(codes.Error, "malformed message")
		return
	}

	// The ledger comes first: a job that completed and lost its ack is
	// acked again, however often it was delivered.
	if delivered > 1 {
		done, err := w.ledger.done(ctx, w.stage.Name, meta.Sequence.Stream)
		if err != nil {
			// A failover may be under way: wait for the ledger rather
			// than risk handling a completed job again.
			w.cfg.Logger.Warn("ledger unreadable; the job comes back shortly", "stage", w.stage.Name, "err", err)
			_ = msg.NakWithDelay(time.Second)
			outcome = OutcomeDeferred
			return
		}
		if done {
			w.ack(ctx, msg, ref)
			return
		}
	}
	// Deliveries beyond MaxDeliver mean every earlier attempt died without
	// an answer (a crash, a kill, a hang past AckWait), unless the job was
	// kept for its slowness: stop trying.
	if delivered > uint64(w.cfg.MaxDeliver) && !w.keptForSlowness(ctx, meta) {
		outcome = w.deadLetter(ctx, msg, meta, ref, fmt.Sprintf("delivered %d times without completing", delivered))
		span.SetStatus(codes.Error, "gave up")
		return
	}

	herr := w.run(ctx, msg, &Job[T]{Msg: job, Delivered: delivered, Subject: msg.Subject(), Publisher: w.pub})
	if herr == nil {
		if err := w.ledger.record(context.WithoutCancel(ctx), w.js, w.stage.Name, meta.Sequence.Stream); err != nil {
			w.cfg.Logger.Warn("completion not recorded; a redelivery would repeat the job", "stage", w.stage.Name, "err", err)
		}
		w.ack(ctx, msg, ref)
		return
	}
	span.SetAttributes(failedPartAttributes(herr, msg.Data())...)
	span.RecordError(herr)
	span.SetStatus(codes.Error, herr.Error())
	outcome = w.failed(ctx, msg, meta, ref, herr)
}

// keptForSlowness reports whether a job past MaxDeliver is still within
// RetryFor after failing by slowness alone.
func (w *Worker[T]) keptForSlowness(ctx context.Context, meta *jetstream.MsgMetadata) bool {
	if time.Since(meta.Timestamp) > w.cfg.RetryFor {
		return false
	}
	slow, err := w.ledger.slow(ctx, w.stage.Name, meta.Sequence.Stream)
	return slow || err != nil // an unreadable ledger is no reason to give up
}

// ack confirms a completed job. If the ack is lost the job comes back, and
// the ledger turns the redelivery into another ack.
func (w *Worker[T]) ack(ctx context.Context, msg jetstream.Msg, ref messages.Ref) {
	if err := msg.DoubleAck(context.WithoutCancel(ctx)); err != nil {
		w.cfg.Logger.Warn("ack failed", "stage", w.stage.Name, "backup", ref.BackupID, "err", err)
	}
}

// failed decides between retry and dead letter.
func (w *Worker[T]) failed(ctx context.Context, msg jetstream.Msg, meta *jetstream.MsgMetadata, ref messages.Ref, herr error) (outcome string) {
	delivered := meta.NumDelivered
	if ctx.Err() != nil {
		// Shutdown cancelled the handler: not the job's fault.
		w.handBack(msg)
		return OutcomeHandedBack
	}
	if IsPermanent(herr) {
		return w.deadLetter(ctx, msg, meta, ref, herr.Error())
	}
	// Slowness alone (time-outs, back-pressure) exhausts the deliveries
	// only once the job is older than RetryFor.
	if delivered >= uint64(w.cfg.MaxDeliver) {
		if !IsSlowness(herr) || time.Since(meta.Timestamp) > w.cfg.RetryFor {
			return w.deadLetter(ctx, msg, meta, ref, fmt.Sprintf("failed %d times, last: %v", delivered, herr))
		}
		if err := w.ledger.markSlow(ctx, w.js, w.stage.Name, meta.Sequence.Stream); err != nil {
			w.cfg.Logger.Warn("slow job not marked; its next delivery may be dead-lettered", "stage", w.stage.Name, "err", err)
		}
	}
	delay := w.cfg.Backoff.Delay(delivered)
	outcome = OutcomeRetry
	var ra *RetryAfterError
	if errors.As(herr, &ra) {
		delay, outcome = ra.After, OutcomeDeferred
	}
	w.cfg.Logger.Info("job failed, will retry", "stage", w.stage.Name, "backup", ref.BackupID,
		"attempt", delivered, "retry_in", delay, "err", herr)
	_ = w.pub.Event(ctx, messages.Event{
		Tenant: ref.Tenant, Kind: ref.Kind, BackupID: ref.BackupID, Stage: w.stage.Name,
		Status: messages.StatusRetrying, Error: herr.Error(), Attempt: int(delivered),
	})
	if err := msg.NakWithDelay(delay); err != nil {
		w.cfg.Logger.Warn("nak failed; the job returns after AckWait", "stage", w.stage.Name, "err", err)
	}
	return outcome
}

// heartbeat tells the server the job is still being worked on, every
// AckWait/3, until stop is called.
func (w *Worker[T]) heartbeat(ctx context.Context, msg jetstream.Msg) (stop func()) {
	return heartbeat(ctx, msg, w.cfg.AckWait/3, func(err error) {
		w.cfg.Logger.Warn("heartbeat failed", "stage", w.stage.Name, "err", err)
	})
}
