package cli

import (
	"context"
	"fmt"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/arcabackup/arca/cmd/arca/internal/stack"
	"github.com/arcabackup/arca/pkg/messages"
)

// watchEvents delivers every event published from now on.
func watchEvents(ctx context.Context, conn *stack.Conn) (<-chan messages.Event, func(), error) {
	cons, err := conn.JS.OrderedConsumer(ctx, messages.StreamEvents, jetstream.OrderedConsumerConfig{
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
