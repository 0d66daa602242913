package jobs

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// LedgerStream is the stream that remembers which deliveries completed.
const LedgerStream = "JOBS_DONE"

// ledger remembers, for the duplicate window, which JOBS messages a stage
// completed. Delivery is at-least-once: when an ack is lost (a stream leader
// fails over, a connection drops after the handler finished) the server
// delivers the job again. The worker records completion before it acks and,
// on any redelivery, checks the record first, so a completed job is acked
// again instead of handled twice. First deliveries skip the check: they
// cannot have completed before, and duplicate publishes are already dropped
// by Nats-Msg-Id.
//
// It is a plain stream rather than a KV bucket because KV reads are direct
// gets that any replica may answer, and a follower that has not caught up
// would miss a completion recorded a moment before the failover; the
// ledger's reads go to the stream leader.
type ledger struct{ stream jetstream.Stream }

func ledgerKey(stage string, streamSeq uint64) string {
	return "done." + stage + "." + strconv.FormatUint(streamSeq, 10)
}

// done reports whether the delivery was completed before.
func (l ledger) done(ctx context.Context, stage string, seq uint64) (bool, error) {
	return l.has(ctx, ledgerKey(stage, seq))
}

// has reports whether the ledger holds an entry under key.
func (l ledger) has(ctx context.Context, key string) (bool, error) {
	_, err := l.stream.GetLastMsgForSubject(ctx, key)
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, jetstream.ErrMsgNotFound):
		return false, nil
	default:
		return false, fmt.Errorf("ledger %s: %w", key, err)
	}
}

// record marks the delivery completed. It keeps trying for up to 10
// seconds: during a failover the put waits for a new leader, and giving up
// early would let a redelivery after a lost ack run the job again.
func (l ledger) record(ctx context.Context, js MsgPublisher, stage string, seq uint64) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	key := ledgerKey(stage, seq)
	delay := 100 * time.Millisecond
	for {
		_, err := js.PublishMsg(ctx, &nats.Msg{Subject: key}, jetstream.WithMsgID(key))
		if err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("ledger %s: %w", key, err)
		case <-time.After(delay):
		}
		delay = min(2*delay, 2*time.Second)
	}
}

// slowKey marks a job that failed only by slowness past MaxDeliver and is
// being retried for up to RetryFor.
func slowKey(stage string, streamSeq uint64) string {
	return "done." + stage + ".slow." + strconv.FormatUint(streamSeq, 10)
}

// markSlow records that the delivery is retried past MaxDeliver because it
// failed by slowness alone, so that its next deliveries are not taken for
// deliveries that died without an answer.
func (l ledger) markSlow(ctx context.Context, js MsgPublisher, stage string, seq uint64) error {
	key := slowKey(stage, seq)
	_, err := js.PublishMsg(ctx, &nats.Msg{Subject: key}, jetstream.WithMsgID(key))
	return err
}

// slow reports whether markSlow was called for the delivery.
func (l ledger) slow(ctx context.Context, stage string, seq uint64) (bool, error) {
	return l.has(ctx, slowKey(stage, seq))
}

// ledgerConfig is the ledger stream's configuration: its entries live as
// long as the duplicate window, like the message ids they complement.
func ledgerConfig(o StreamOptions) jetstream.StreamConfig {
	o = o.withDefaults()
	return jetstream.StreamConfig{
		Name:              LedgerStream,
		Description:       "JOBS deliveries each stage completed",
		Subjects:          []string{"done.>"},
		MaxAge:            o.DuplicateWindow,
		Duplicates:        o.DuplicateWindow,
		MaxMsgsPerSubject: 1,
		Replicas:          o.Replicas,
		Storage:           jetstream.FileStorage,
		AllowDirect:       false,
	}
}
