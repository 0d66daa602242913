package jobs

import (
	"context"
	"fmt"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/arcabackup/arca/pkg/messages"
)

// WatchEvents delivers every backup event published from now on, through
// an ordered (ephemeral, unacknowledged) consumer: for a command that
// follows a run it started (backup --wait), not for a service, which
// consumes EVENTS durably with Consume. Events that do not decode are
// dropped. stop ends the delivery; the channel is never closed.
func WatchEvents(ctx context.Context, js jetstream.JetStream) (events <-chan messages.Event, stop func(), err error) {
	cons, err := js.OrderedConsumer(ctx, messages.StreamEvents, jetstream.OrderedConsumerConfig{
		FilterSubjects: []string{messages.SubjectEvents}, DeliverPolicy: jetstream.DeliverNewPolicy,
	})
	if err != nil {
		return nil, nil, fmt.Errorf("watch events: %w", err)
	}
	ch := make(chan messages.Event, 256)
	cc, err := cons.Consume(func(msg jetstream.Msg) {
		if e, err := messages.Decode[messages.Event](msg.Data()); err == nil {
			select {
			case ch <- e:
			case <-ctx.Done():
			}
		}
	})
	if err != nil {
		return nil, nil, fmt.Errorf("watch events: %w", err)
	}
	return ch, cc.Stop, nil
}
