package schedule

import (
	"context"
	"log/slog"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/arcabackup/arca/pkg/jobs"
)

// ConsumerName is the durable consumer every coordinator replica shares.
const ConsumerName = "coordinator-fires"

// Handler fans out one fire. It may run long; the consumer keeps the fire
// from being redelivered meanwhile. An error hands the fire back for a
// retry after a pause.
type Handler func(ctx context.Context, f Fire) error

// Consumer delivers fires to a Handler.
type Consumer struct {
	js      jobs.ConsumerCreator
	handle  Handler
	ackWait time.Duration
	retry   time.Duration
	log     *slog.Logger
}

// NewConsumer builds a consumer. ackWait bounds how long a replica that
// died mid-fan-out holds its fire before another replica takes it over.
func NewConsumer(js jobs.ConsumerCreator, h Handler, ackWait, retry time.Duration, log *slog.Logger) *Consumer {
	return &Consumer{js: js, handle: h, ackWait: ackWait, retry: retry, log: log}
}

// Run handles fires, one at a time per replica, until ctx ends. A message
// that is not a fire is terminated; a fan-out that failed is retried after
// the pause.
func (c *Consumer) Run(ctx context.Context) error {
	return jobs.Consume(ctx, c.js, jobs.ConsumeOptions{
		Stream: StreamName, Durable: ConsumerName, Filter: fireRoot + ">", Description: "Arca coordinator: schedule fires",
		AckWait: c.ackWait, Retry: c.retry, Batch: 1, MaxAckPending: 64,
		// A lost ack fans the fire out again, harmlessly but in vain.
		DoubleAck: true, Logger: c.log,
	}, c.deliver)
}

func (c *Consumer) deliver(ctx context.Context, msg jetstream.Msg) error {
	f, err := ParseFire(msg)
	if err != nil {
		return jobs.Permanent(err)
	}
	if err := c.handle(ctx, f); err != nil {
		c.log.Error("fan-out failed; retrying", "schedule", f.Name, "run", f.RunID(), "err", err)
		return err
	}
	return nil
}
