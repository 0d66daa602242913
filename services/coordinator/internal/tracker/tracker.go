package tracker

import (
	"context"
	"log/slog"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/arcabackup/arca/pkg/jobs"
	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/services/coordinator/internal/catalog"
)

// ConsumerName is the durable EVENTS consumer of the coordinators.
const ConsumerName = "coordinator"

// Tracker applies events to the catalog.
type Tracker struct {
	js    jobs.ConsumerCreator
	cat   *catalog.Catalog
	log   *slog.Logger
	retry time.Duration
}

// New builds a tracker; retry is the pause before an event the catalog
// could not take is delivered again.
func New(js jobs.ConsumerCreator, cat *catalog.Catalog, retry time.Duration, log *slog.Logger) *Tracker {
	return &Tracker{js: js, cat: cat, log: log, retry: retry}
}

// Run applies events until ctx ends.
func (t *Tracker) Run(ctx context.Context) error {
	return jobs.Consume(ctx, t.js, jobs.ConsumeOptions{
		Stream: messages.StreamEvents, Durable: ConsumerName, Filters: messages.OutcomeEventFilters(),
		Description: "Arca coordinator: catalog of runs, jobs and backups",
		AckWait:     30 * time.Second, Retry: t.retry, Batch: 256, MaxAckPending: 1024, Logger: t.log,
	}, t.deliver)
}

// deliver applies one event. A malformed event is skipped for good (it
// stays in EVENTS for inspection); one the catalog refuses comes back.
func (t *Tracker) deliver(ctx context.Context, msg jetstream.Msg) error {
	e, err := messages.Decode[messages.Event](msg.Data())
	if err != nil {
		return jobs.Permanent(err)
	}
	id := msg.Headers().Get(jetstream.MsgIDHeader)
	if id == "" {
		id = messages.EventMsgID(e)
	}
	return t.cat.Apply(ctx, id, e)
}
