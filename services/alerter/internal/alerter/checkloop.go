package alerter

import (
	"context"
	"time"

	"github.com/arcabackup/arca/services/alerter/internal/stale"
)

// checkLoop runs the staleness checks at start and every interval. A
// failed check is logged and tried again at the next tick.
func (h *handlers) checkLoop(ctx context.Context, f stale.Freshness, p stale.Policy, every time.Duration, now func() time.Time) error {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		alerts, err := stale.Check(ctx, f, p, now())
		if err == nil {
			err = h.record(ctx, alerts)
		}
		if err != nil && ctx.Err() == nil {
			h.log.Warn("staleness check failed; retrying at the next tick", "err", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}
