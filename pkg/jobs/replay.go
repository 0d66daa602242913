package jobs

import (
	"context"
	"fmt"

	"github.com/nats-io/nats.go/jetstream"
)

// Replay hands fn the data of every message the stream holds now under
// filters, oldest first, and returns once it has seen the last: an ordered
// (ephemeral, unacknowledged) consumer, for state rebuilt at start-up (the
// alerter's staleness memory) and for read-only tools, never for work,
// which Consume acknowledges. What is published meanwhile may or may not be
// seen. A missing stream is jetstream.ErrStreamNotFound.
func Replay(ctx context.Context, js jetstream.JetStream, stream string, filters []string, fn func(data []byte)) error {
	cons, err := js.OrderedConsumer(ctx, stream, jetstream.OrderedConsumerConfig{FilterSubjects: filters})
	if err != nil {
		return fmt.Errorf("replay %s: %w", stream, err)
	}
	info, err := cons.Info(ctx)
	if err != nil {
		return fmt.Errorf("replay %s: %w", stream, err)
	}
	for left := info.NumPending; left > 0; {
		batch, err := cons.FetchNoWait(256)
		if err != nil {
			return fmt.Errorf("replay %s: %w", stream, err)
		}
		n := 0
		for msg := range batch.Messages() {
			n++
			fn(msg.Data())
			// NumPending counts what came after this one: at 0 it was the
			// last, even if more was published since Info.
			if md, err := msg.Metadata(); err == nil && md.NumPending == 0 {
				left = 0
			}
		}
		if err := batch.Error(); err != nil {
			return fmt.Errorf("replay %s: %w", stream, err)
		}
		if n == 0 {
			return fmt.Errorf("replay %s: %d messages not delivered", stream, left)
		}
	}
	return nil
}
