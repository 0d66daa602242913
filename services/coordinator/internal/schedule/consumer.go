package schedule

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// ConsumerName is the durable consumer every coordinator replica shares.
const ConsumerName = "coordinator-fires"

// Handler fans out one fire. It may run long; the consumer keeps the fire
// from being redelivered meanwhile. An error hands the fire back for a
// retry after a pause.
type Handler func(ctx context.Context, f Fire) error

// ConsumerCreator is the one JetStream method a Consumer needs.
type ConsumerCreator interface {
	CreateOrUpdateConsumer(ctx context.Context, stream string, cfg jetstream.ConsumerConfig) (jetstream.Consumer, error)
}

// Consumer delivers fires to a Handler.
type Consumer struct {
	js      ConsumerCreator
	handle  Handler
	ackWait time.Duration
	retry   time.Duration
	log     *slog.Logger
}

// NewConsumer builds a consumer. ackWait bounds how long a replica that
// died mid-fan-out holds its fire before another replica takes it over.
func NewConsumer(js ConsumerCreator, h Handler, ackWait, retry time.Duration, log *slog.Logger) *Consumer {
	return &Consumer{js: js, handle: h, ackWait: ackWait, retry: retry, log: log}
}

// Run handles fires, one at a time per replica, until ctx ends.
func (c *Consumer) Run(ctx context.Context) error {
	cons, err := c.js.CreateOrUpdateConsumer(ctx, StreamName, jetstream.ConsumerConfig{
		Durable:       ConsumerName,
		Description:   "Arca coordinator: schedule fires",
		FilterSubject: fireRoot + ">",
		AckPolicy:     jetstream.AckExplicitPolicy,
		AckWait:       c.ackWait,
		MaxAckPending: 64,
	})
	if err != nil {
		return fmt.Errorf("schedule consumer: %w", err)
	}
	it, err := cons.Messages(jetstream.PullMaxMessages(1))
	if err != nil {
		return fmt.Errorf("schedule consumer: %w", err)
	}
	stop := context.AfterFunc(ctx, it.Stop)
	defer stop()
	for {
		msg, err := it.Next()
		if errors.Is(err, jetstream.ErrMsgIteratorClosed) || ctx.Err() != nil {
			return nil
		}
		if err != nil {
			c.log.Warn("schedule consumer: pull failed", "err", err)
			continue
		}
		c.deliver(ctx, msg)
	}
}

func (c *Consumer) deliver(ctx context.Context, msg jetstream.Msg) {
	f, err := ParseFire(msg)
	if err != nil {
		c.log.Error("schedule consumer: dropping a message that is not a fire", "subject", msg.Subject(), "err", err)
		_ = msg.Term()
		return
	}
	stop := heartbeat(ctx, msg, c.ackWait/3)
	err = c.handle(ctx, f)
	stop()
	if err != nil {
		if ctx.Err() == nil {
			c.log.Error("fan-out failed; retrying", "schedule", f.Name, "run", f.RunID(), "err", err)
		}
		_ = msg.NakWithDelay(c.retry)
		return
	}
	if err := msg.DoubleAck(context.WithoutCancel(ctx)); err != nil {
		c.log.Warn("fire not acked; it will be handled again (harmlessly)", "run", f.RunID(), "err", err)
	}
}

// heartbeat keeps a fire in progress until stop is called.
func heartbeat(ctx context.Context, msg jetstream.Msg, every time.Duration) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				_ = msg.InProgress()
			}
		}
	}()
	return func() { cancel(); <-done }
}
