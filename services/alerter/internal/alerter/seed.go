package alerter

import (
	"context"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/arcabackup/arca/pkg/jobs"
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
	return jobs.Replay(ctx, js, messages.StreamEvents, filters, func(data []byte) {
		if e, err := messages.Decode[messages.Event](data); err == nil {
			mem.Observe(e)
		}
	})
}
