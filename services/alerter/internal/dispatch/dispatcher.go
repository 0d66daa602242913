package dispatch

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"golang.org/x/time/rate"

	"github.com/arcabackup/arca/services/alerter/internal/alert"
	"github.com/arcabackup/arca/services/alerter/internal/outbox"
)

// Sender delivers one alert. An error that has a Permanent() method
// returning true means retrying cannot help.
type Sender interface {
	Send(ctx context.Context, a alert.Alert) error
}

// Outbox is what the dispatcher needs of the outbox.
type Outbox interface {
	Record(ctx context.Context, a alert.Alert) (bool, error)
	Entries(ctx context.Context) ([]outbox.Entry, error)
	Settle(ctx context.Context, key string, version uint64, d outbox.Delivery) error
	Reject(ctx context.Context, key string, version uint64, reason string) error
	Changed() <-chan struct{}
}

// Dispatcher is the delivery loop.
type Dispatcher struct {
	ob      Outbox
	sender  Sender
	cfg     Config
	limiter *rate.Limiter
	log     *slog.Logger
	now     func() time.Time
}

// New returns a dispatcher; now is the clock that stamps aggregated alerts.
func New(ob Outbox, s Sender, cfg Config, log *slog.Logger, now func() time.Time) *Dispatcher {
	cfg = cfg.withDefaults()
	return &Dispatcher{ob: ob, sender: s, cfg: cfg, limiter: rate.NewLimiter(cfg.Rate, cfg.Burst), log: log, now: now}
}

// Run delivers until ctx is done, then returns nil. Anything undelivered
// stays in the outbox.
func (d *Dispatcher) Run(ctx context.Context) error {
	backoff := time.Duration(0)
	for {
		progress, err := d.pass(ctx)
		if ctx.Err() != nil {
			return nil
		}
		if err != nil {
			backoff = nextBackoff(backoff, d.cfg.RetryMin, d.cfg.RetryMax)
			d.log.Warn("alerts wait in the outbox", "retry_in", backoff, "err", err)
			if !sleep(ctx, backoff) {
				return nil
			}
			continue
		}
		if backoff > 0 {
			d.log.Info("pagerduty reachable again; outbox delivered")
			backoff = 0
		}
		if progress {
			continue
		}
		select {
		case <-ctx.Done():
			return nil
		case <-d.ob.Changed():
		case <-time.After(d.cfg.Poll):
		}
		if !sleep(ctx, d.cfg.Gather) {
			return nil
		}
	}
}

func nextBackoff(cur, lo, hi time.Duration) time.Duration {
	if cur == 0 {
		return lo
	}
	return min(2*cur, hi)
}

func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

func isPermanent(err error) bool {
	var p interface{ Permanent() bool }
	return errors.As(err, &p) && p.Permanent()
}
