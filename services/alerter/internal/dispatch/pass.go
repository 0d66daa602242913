package dispatch

import (
	"context"
	"fmt"

	"github.com/arcabackup/arca/services/alerter/internal/storm"
)

// maxReplans bounds how often one pass records aggregates and plans again;
// each recording flips a group's storm state, so two suffice.
const maxReplans = 4

// pass plans and executes one round. progress reports whether anything was
// recorded, sent or settled, so the caller plans again at once.
func (d *Dispatcher) pass(ctx context.Context) (progress bool, err error) {
	for range maxReplans {
		entries, err := d.ob.Entries(ctx)
		if err != nil {
			return progress, err
		}
		plan := storm.Decide(entries, d.cfg.StormThreshold, d.now())
		if len(plan.Record) == 0 {
			done, err := d.execute(ctx, plan.Steps)
			return progress || done > 0, err
		}
		for _, a := range plan.Record {
			if _, err := d.ob.Record(ctx, a); err != nil {
				return progress, err
			}
			d.log.Warn("alert storm", "check", a.Check, "kind", a.Scope.Kind, "action", a.Action, "count", a.Details["count"])
		}
		progress = true
	}
	return progress, nil
}

// execute runs the steps in order and stops at the first delivery failure
// that may heal: PagerDuty is down, no point hammering it.
func (d *Dispatcher) execute(ctx context.Context, steps []storm.Step) (done int, err error) {
	for i, s := range steps {
		e := s.Entry
		if s.Send {
			if err := d.limiter.Wait(ctx); err != nil {
				return done, err
			}
			err := d.sender.Send(ctx, e.Alert)
			if err != nil && isPermanent(err) {
				d.log.Error("pagerduty rejected alert; not retried", "dedup_key", e.Key, "check", e.Alert.Check, "tenant", e.Alert.Scope.Tenant, "err", err)
				if err := d.ob.Reject(ctx, e.Key, e.Version, err.Error()); err != nil {
					return done, err
				}
				done++
				continue
			}
			if err != nil {
				return done, fmt.Errorf("deliver %s (%d alerts pending): %w", e.Key, pendingSends(steps[i:]), err)
			}
			d.log.Info("alert delivered", "dedup_key", e.Key, "action", e.Alert.Action, "check", e.Alert.Check, "tenant", e.Alert.Scope.Tenant, "severity", e.Alert.Severity)
		}
		if err := d.ob.Settle(ctx, e.Key, e.Version, s.Then); err != nil {
			return done, fmt.Errorf("settle %s: %w", e.Key, err)
		}
		done++
	}
	return done, nil
}

func pendingSends(steps []storm.Step) int {
	n := 0
	for _, s := range steps {
		if s.Send {
			n++
		}
	}
	return n
}
