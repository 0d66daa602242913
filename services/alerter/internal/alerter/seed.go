package alerter

import (
	"context"
	"fmt"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/services/alerter/internal/rules"
	"github.com/arcabackup/arca/services/alerter/internal/stale"
)

// seedTimeout bounds the replay at start-up.
const seedTimeout = time.Minute

// seed replays the succeeded events of the commit, verify and drill stages
// kept in EVENTS into mem, so staleness survives a restart without the
// catalog.
func seed(ctx context.Context, js jetstream.JetStream, mem *stale.Memory) error {
	ctx, cancel := context.WithTimeout(ctx, seedTimeout)
	defer cancel()
	var filters []string
	for _, stage := range []string{rules.CommitStage, messages.StageVerify, rules.StageDrill} {
		filters = append(filters, "events.*.*."+stage+"."+string(messages.StatusSucceeded))
	}
	cons, err := js.OrderedConsumer(ctx, messages.StreamEvents, jetstream.OrderedConsumerConfig{FilterSubjects: filters})
	if err != nil {
		return fmt.Errorf("replay events: %w", err)
	}
	info, err := cons.Info(ctx)
	if err != nil {
		return fmt.Errorf("replay events: %w", err)
	}
	for left := info.NumPending; left > 0; {
		batch, err := cons.FetchNoWait(256)
		if err != nil {
			return fmt.Errorf("replay events: %w", err)
		}
		n := 0
		for msg := range batch.Messages() {
			n++
			if e, err := messages.Decode[messages.Event](msg.Data()); err == nil {
				mem.Observe(e)
			}
			if md, err := msg.Metadata(); err == nil && md.NumPending == 0 {
				left = 0
			}
		}
		if err := batch.Error(); err != nil {
			return fmt.Errorf("replay events: %w", err)
		}
		if n == 0 {
			return fmt.Errorf("replay events: %d events not delivered", left)
		}
	}
	return nil
}
