package jobs

import (
	"context"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// heartbeat tells the server every interval that msg is still being worked
// on (InProgress, which restarts its AckWait), handing failed to each
// failure, until stop, which returns once the heartbeat has ended.
func heartbeat(ctx context.Context, msg jetstream.Msg, every time.Duration, failed func(error)) (stop func()) {
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
				if err := msg.InProgress(); err != nil {
					failed(err)
				}
			}
		}
	}()
	return func() { cancel(); <-done }
}
