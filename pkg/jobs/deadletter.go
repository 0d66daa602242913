package jobs

import (
	"context"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/arcabackup/arca/pkg/messages"
)

// deadLetter copies the message to the DLQ with the reason, records a
// dead_lettered event, and only then terminates it: a WorkQueue stream
// deletes a terminated message, so the copy must exist first. If the copy
// cannot be written the message is handed back instead, never dropped.
func (w *Worker[T]) deadLetter(ctx context.Context, msg jetstream.Msg, meta *jetstream.MsgMetadata, ref messages.Ref, reason string) (outcome string) {
	// The job's own context may be cancelled by shutdown; the dead letter
	// must still be written.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	reason = messages.RedactSecrets(reason)

	dl := messages.DeadLetter{
		V:          messages.Version,
		Stage:      w.stage.Name,
		Subject:    msg.Subject(),
		Reason:     reason,
		Deliveries: meta.NumDelivered,
		StreamSeq:  meta.Sequence.Stream,
		Payload:    msg.Data(),
		Headers:    msg.Headers(),
		About:      ref,
		Time:       time.Now().UTC(),
	}
	if err := w.pub.Publish(ctx, messages.DLQSubject(w.stage.Name), dl, messages.DeadLetterMsgID(w.stage.Name, meta.Sequence.Stream)); err != nil {
		w.cfg.Logger.Error("dead letter not written; handing the job back", "stage", w.stage.Name, "err", err)
		_ = msg.NakWithDelay(w.cfg.Backoff.Delay(meta.NumDelivered))
		return OutcomeRetry
	}
	if err := w.pub.Event(ctx, messages.Event{
		Tenant: ref.Tenant, Kind: ref.Kind, BackupID: ref.BackupID, Stage: w.stage.Name,
		Status: messages.StatusDeadLettered, Error: reason, Attempt: int(meta.NumDelivered),
	}); err != nil {
		w.cfg.Logger.Error("dead-letter event not written; handing the job back", "stage", w.stage.Name, "err", err)
		_ = msg.NakWithDelay(w.cfg.Backoff.Delay(meta.NumDelivered))
		return OutcomeRetry
	}
	w.cfg.Logger.Error("job dead-lettered", "stage", w.stage.Name, "backup", ref.BackupID, "reason", reason)
	if err := msg.TermWithReason(reason); err != nil {
		w.cfg.Logger.Warn("term failed; the dead letter is written, a redelivery will be dead-lettered again", "stage", w.stage.Name, "err", err)
	}
	return OutcomeDeadLettered
}
