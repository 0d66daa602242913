package jobs

import (
	"context"
	"fmt"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/arcabackup/arca/pkg/messages"
)

// FollowEvents hands fn each backup event from deliver on
// (jetstream.DeliverNewPolicy: what is published from now;
// DeliverLastPerSubjectPolicy: the last event of each subject first, then
// every new one) through an ordered (ephemeral, unacknowledged) consumer,
// until stop: for a command or a metrics feed, not for a service's work,
// which consumes EVENTS durably with Consume. Events that do not decode
// are dropped. fn runs on one goroutine, one event at a time.
func FollowEvents(ctx context.Context, js jetstream.JetStream, deliver jetstream.DeliverPolicy, fn func(messages.Event)) (stop func(), err error) {
	cons, err := js.OrderedConsumer(ctx, messages.StreamEvents, jetstream.OrderedConsumerConfig{
		FilterSubjects: []string{messages.SubjectEvents}, DeliverPolicy: deliver,
	})
	if err != nil {
		return nil, fmt.Errorf("follow events: %w", err)
	}
	cc, err := cons.Consume(func(msg jetstream.Msg) {
		if e, err := messages.Decode[messages.Event](msg.Data()); err == nil {
			fn(e)
		}
	})
	if err != nil {
		return nil, fmt.Errorf("follow events: %w", err)
	}
	return cc.Stop, nil
}

// WatchEvents delivers every backup event published from now on on a
// channel: for a command that follows a run it started (backup --wait).
// stop ends the delivery; the channel is never closed.
func WatchEvents(ctx context.Context, js jetstream.JetStream) (events <-chan messages.Event, stop func(), err error) {
	ch := make(chan messages.Event, 256)
	stop, err = FollowEvents(ctx, js, jetstream.DeliverNewPolicy, func(e messages.Event) {
		select {
		case ch <- e:
		case <-ctx.Done():
		}
	})
	if err != nil {
		return nil, nil, fmt.Errorf("watch events: %w", err)
	}
	return ch, stop, nil
}
