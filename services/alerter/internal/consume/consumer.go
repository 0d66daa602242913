package consume

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// Handler handles one message.
type Handler func(ctx context.Context, msg jetstream.Msg) error

// ConsumerCreator is what Run needs of a JetStream context.
type ConsumerCreator interface {
	CreateOrUpdateConsumer(ctx context.Context, stream string, cfg jetstream.ConsumerConfig) (jetstream.Consumer, error)
}

// Options name the consumer.
type Options struct {
	Stream  string
	Durable string
	Filter  string
	// AckWait before the server redelivers an unacknowledged message
	// (default 30s). NakDelay paces retries after handler errors
	// (default 2s).
	AckWait  time.Duration
	NakDelay time.Duration
}

// Run consumes until ctx is done, then returns nil. It fails only when the
// consumer cannot be created.
func Run(ctx context.Context, js ConsumerCreator, o Options, h Handler, log *slog.Logger) error {
	if o.AckWait <= 0 {
		o.AckWait = 30 * time.Second
	}
	if o.NakDelay <= 0 {
		o.NakDelay = 2 * time.Second
	}
	cons, err := js.CreateOrUpdateConsumer(ctx, o.Stream, jetstream.ConsumerConfig{
		Durable:       o.Durable,
		Description:   "Arca alerter",
		FilterSubject: o.Filter,
		AckPolicy:     jetstream.AckExplicitPolicy,
		DeliverPolicy: jetstream.DeliverAllPolicy,
		AckWait:       o.AckWait,
		MaxAckPending: 256,
	})
	if ctx.Err() != nil {
		return nil // shut down while starting (slow on a loaded machine): not a failure
	}
	if err != nil {
		return fmt.Errorf("consume %s: create consumer %s: %w", o.Stream, o.Durable, err)
	}
	it, err := cons.Messages(jetstream.PullMaxMessages(64))
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
			log.Warn("consume: next message", "stream", o.Stream, "err", err)
			continue
		}
		settle(ctx, msg, h(ctx, msg), o, log)
	}
}

func settle(ctx context.Context, msg jetstream.Msg, err error, o Options, log *slog.Logger) {
	var ackErr error
	switch {
	case err == nil:
		ackErr = msg.Ack()
	case IsMalformed(err):
		log.Warn("malformed message skipped", "stream", o.Stream, "subject", msg.Subject(), "seq", streamSeq(msg), "err", err)
		ackErr = msg.TermWithReason("malformed")
	default:
		if ctx.Err() == nil {
			log.Warn("message not handled; will retry", "stream", o.Stream, "subject", msg.Subject(), "seq", streamSeq(msg), "err", err)
		}
		ackErr = msg.NakWithDelay(o.NakDelay)
	}
	if ackErr != nil && ctx.Err() == nil {
		log.Warn("consume: settle message", "stream", o.Stream, "seq", streamSeq(msg), "err", ackErr)
	}
}

func streamSeq(msg jetstream.Msg) uint64 {
	if md, err := msg.Metadata(); err == nil {
		return md.Sequence.Stream
	}
	return 0
}
