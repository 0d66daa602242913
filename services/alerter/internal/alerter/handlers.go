package alerter

import (
	"context"
	"log/slog"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/arcabackup/arca/pkg/jobs"
	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/services/alerter/internal/alert"
	"github.com/arcabackup/arca/services/alerter/internal/outbox"
	"github.com/arcabackup/arca/services/alerter/internal/rules"
	"github.com/arcabackup/arca/services/alerter/internal/stale"
)

// handlers turn stream messages into outbox records.
type handlers struct {
	ob     *outbox.Outbox
	mem    *stale.Memory // nil when Freshness comes from elsewhere
	limits rules.Limits
	log    *slog.Logger
}

func (h *handlers) event(ctx context.Context, msg jetstream.Msg) error {
	e, err := messages.Decode[messages.Event](msg.Data())
	if err != nil {
		return jobs.Permanent(safeReason(err))
	}
	if h.mem != nil {
		h.mem.Observe(e)
	}
	return h.record(ctx, rules.Event(e, h.limits))
}

func (h *handlers) deadLetter(ctx context.Context, msg jetstream.Msg) error {
	d, err := messages.Decode[messages.DeadLetter](msg.Data())
	if err != nil {
		return jobs.Permanent(safeReason(err))
	}
	return h.record(ctx, rules.DeadLetter(d))
}

// record writes each alert to the outbox; the caller acks only on nil.
func (h *handlers) record(ctx context.Context, alerts []alert.Alert) error {
	for _, a := range alerts {
		changed, err := h.ob.Record(ctx, a)
		if err != nil {
			return err
		}
		if changed {
			h.log.Info("alert recorded", "check", a.Check, "action", a.Action, "tenant", a.Scope.Tenant, "kind", a.Scope.Kind, "dedup_key", a.DedupKey())
		}
	}
	return nil
}
