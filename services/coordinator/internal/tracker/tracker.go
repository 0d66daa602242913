package tracker

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/services/coordinator/internal/catalog"
)

// ConsumerName is the durable EVENTS consumer of the coordinators.
const ConsumerName = "coordinator"

// ConsumerCreator is the one JetStream method the tracker needs.
type ConsumerCreator interface {
	CreateOrUpdateConsumer(ctx context.Context, stream string, cfg jetstream.ConsumerConfig) (jetstream.Consumer, error)
}

// Tracker applies events to the catalog.
type Tracker struct {
	js    ConsumerCreator
	cat   *catalog.Catalog
	log   *slog.Logger
	retry time.Duration
}

// New builds a tracker; retry is the pause before an event the catalog
// could not take is delivered again.
func New(js ConsumerCreator, cat *catalog.Catalog, retry time.Duration, log *slog.Logger) *Tracker {
	return &Tracker{js: js, cat: cat, log: log, retry: retry}
}

// Run applies events until ctx ends.
func (t *Tracker) Run(ctx context.Context) error {
	cons, err := t.js.CreateOrUpdateConsumer(ctx, messages.StreamEvents, jetstream.ConsumerConfig{
		Durable:       ConsumerName,
		Description:   "Arca coordinator: catalog of runs, jobs and backups",
		FilterSubject: messages.SubjectEvents,
		AckPolicy:     jetstream.AckExplicitPolicy,
		AckWait:       30 * time.Second,
		MaxAckPending: 1024,
		DeliverPolicy: jetstream.DeliverAllPolicy,
	})
	if err != nil {
		return fmt.Errorf("event tracker: %w", err)
	}
	it, err := cons.Messages(jetstream.PullMaxMessages(256))
	if err != nil {
		return fmt.Errorf("event tracker: %w", err)
	}
	stop := context.AfterFunc(ctx, it.Stop)
	defer stop()
	for {
		msg, err := it.Next()
		if errors.Is(err, jetstream.ErrMsgIteratorClosed) || ctx.Err() != nil {
			return nil
		}
		if err != nil {
			t.log.Warn("event tracker: pull failed", "err", err)
			continue
		}
		t.deliver(ctx, msg)
	}
}

func (t *Tracker) deliver(ctx context.Context, msg jetstream.Msg) {
	e, err := messages.Decode[messages.Event](msg.Data())
	if err != nil {
		t.log.Error("event tracker: skipping a malformed event", "subject", msg.Subject(), "err", err)
		_ = msg.Ack()
		return
	}
	id := msg.Headers().Get(jetstream.MsgIDHeader)
	if id == "" {
		id = messages.EventMsgID(e)
	}
	if err := t.cat.Apply(ctx, id, e); err != nil {
		if ctx.Err() == nil {
			t.log.Warn("event tracker: catalog refused an event; retrying", "event", id, "err", err)
		}
		_ = msg.NakWithDelay(t.retry)
		return
	}
	_ = msg.Ack()
}
