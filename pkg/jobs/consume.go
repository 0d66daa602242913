package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// MsgHandler handles one message of Consume. What it returns settles the
// message (see Consume).
type MsgHandler func(ctx context.Context, msg jetstream.Msg) error

// ConsumerCreator is the one JetStream method Consume needs.
type ConsumerCreator interface {
	CreateOrUpdateConsumer(ctx context.Context, stream string, cfg jetstream.ConsumerConfig) (jetstream.Consumer, error)
}

// ConsumeOptions name a durable pull consumer and pace it. Zero values
// take the defaults.
type ConsumeOptions struct {
	Stream  string
	Durable string
	Filter  string
	// Filters, when set, take the place of Filter (several subjects).
	Filters     []string
	Description string
	// DeliverPolicy of a consumer created anew (default DeliverAll).
	DeliverPolicy jetstream.DeliverPolicy
	// AckWait is how long the server waits for an ack before it delivers
	// the message again (default 30s); the handler's message is kept in
	// progress every AckWait/3 while it runs, however long it takes.
	AckWait time.Duration
	// Retry is the pause before a message whose handler failed is
	// delivered again (default 2s).
	Retry time.Duration
	// Batch is how many messages the client buffers (default 64);
	// MaxAckPending bounds the unacknowledged ones across every replica
	// (default 256).
	Batch         int
	MaxAckPending int
	// DoubleAck waits for the server to confirm each ack, for handlers
	// whose repeat is costly.
	DoubleAck bool
	Logger    *slog.Logger
}

func (o ConsumeOptions) withDefaults() ConsumeOptions {
	if o.AckWait <= 0 {
		o.AckWait = 30 * time.Second
	}
	if o.Retry <= 0 {
		o.Retry = 2 * time.Second
	}
	if o.Batch <= 0 {
		o.Batch = 64
	}
	if o.MaxAckPending <= 0 {
		o.MaxAckPending = 256
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	return o
}

// Consume reads a stream through a durable pull consumer with explicit
// acks and hands each message to h, one at a time and in stream order,
// until ctx ends; then it returns nil. It fails only when the consumer
// cannot be created. It serves the streams outside the job runtime
// (EVENTS, DLQ, SCHEDULES), where there is no dead-letter queue and no
// ledger: what h returns settles the message.
//
//	nil                 ack
//	Permanent(err)      terminate: it can never be handled; logged
//	RetryAfter(d, err)  nak with delay d
//	other error         nak with delay Retry; logged
//
// A message whose handler was cancelled by shutdown is handed back at
// once (nak) for another replica.
func Consume(ctx context.Context, js ConsumerCreator, o ConsumeOptions, h MsgHandler) error {
	o = o.withDefaults()
	cons, err := js.CreateOrUpdateConsumer(ctx, o.Stream, jetstream.ConsumerConfig{
		Durable:        o.Durable,
		Description:    o.Description,
		FilterSubject:  filterOne(o),
		FilterSubjects: o.Filters,
		AckPolicy:      jetstream.AckExplicitPolicy,
		DeliverPolicy:  o.DeliverPolicy,
		AckWait:        o.AckWait,
		MaxAckPending:  o.MaxAckPending,
	})
	if ctx.Err() != nil {
		return nil // shut down while starting (slow on a loaded machine): not a failure
	}
	if err != nil {
		return fmt.Errorf("consume %s: create consumer %s: %w", o.Stream, o.Durable, err)
	}
	it, err := cons.Messages(jetstream.PullMaxMessages(o.Batch))
	if err != nil {
		return fmt.Errorf("consume %s: %w", o.Stream, err)
	}
	stop := context.AfterFunc(ctx, it.Stop)
	defer stop()
	for {
		msg, err := it.Next()
		if errors.Is(err, jetstream.ErrMsgIteratorClosed) || ctx.Err() != nil {
			return nil
		}
		if err != nil {
			o.Logger.Warn("consume: next message", "stream", o.Stream, "err", err)
			continue
		}
		settle(ctx, msg, handleInProgress(ctx, msg, o.AckWait/3, h), o)
	}
}

// handleInProgress runs h, telling the server every interval that the
// message is still being worked on (a lost heartbeat only risks a
// redelivery).
func handleInProgress(ctx context.Context, msg jetstream.Msg, every time.Duration, h MsgHandler) error {
	stop := heartbeat(ctx, msg, every, func(error) {})
	defer stop()
	return h(ctx, msg)
}

func settle(ctx context.Context, msg jetstream.Msg, err error, o ConsumeOptions) {
	var ackErr error
	var ra *RetryAfterError
	switch {
	case err == nil && o.DoubleAck:
		ackErr = msg.DoubleAck(context.WithoutCancel(ctx))
	case err == nil:
		ackErr = msg.Ack()
	case ctx.Err() != nil:
		ackErr = msg.Nak() // shutdown: not the message's fault
	case IsPermanent(err):
		o.Logger.Error("message can never be handled; terminated", "stream", o.Stream, "subject", msg.Subject(), "seq", streamSeq(msg), "err", err)
		ackErr = msg.TermWithReason("permanent") // the reason may quote the payload: logged only
	case errors.As(err, &ra):
		ackErr = msg.NakWithDelay(ra.After)
	default:
		o.Logger.Warn("message not handled; will retry", "stream", o.Stream, "subject", msg.Subject(), "seq", streamSeq(msg), "retry_in", o.Retry, "err", err)
		ackErr = msg.NakWithDelay(o.Retry)
	}
	if ackErr != nil && ctx.Err() == nil {
		// Unsettled, the message comes back after AckWait.
		o.Logger.Warn("consume: settle message", "stream", o.Stream, "seq", streamSeq(msg), "err", ackErr)
	}
}

func streamSeq(msg jetstream.Msg) uint64 {
	if md, err := msg.Metadata(); err == nil {
		return md.Sequence.Stream
	}
	return 0
}

// filterOne is Filter unless Filters are set: the server takes one or the
// other, not both.
func filterOne(o ConsumeOptions) string {
	if len(o.Filters) > 0 {
		return ""
	}
	return o.Filter
}
