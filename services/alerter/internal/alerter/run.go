package alerter

import (
	"context"
	"errors"
	"fmt"

	"golang.org/x/sync/errgroup"
	"golang.org/x/time/rate"

	"github.com/arcabackup/arca/pkg/jobs"
	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/services/alerter/internal/dispatch"
	"github.com/arcabackup/arca/services/alerter/internal/outbox"
	"github.com/arcabackup/arca/services/alerter/internal/pagerduty"
	"github.com/arcabackup/arca/services/alerter/internal/rules"
	"github.com/arcabackup/arca/services/alerter/internal/stale"
)

// Run runs the alerter until ctx is done. It returns nil on shutdown and
// an error when the configuration is invalid or start-up fails. Undelivered
// alerts stay in the outbox for the next start.
func Run(ctx context.Context, deps Deps, cfg Config) error {
	deps, cfg = deps.withDefaults(), cfg.withDefaults()
	if deps.JS == nil {
		return errors.New("alerter: no JetStream")
	}
	keys, keyErr := routingKeys(cfg.PagerDuty, deps.Getenv)
	if err := errors.Join(cfg.Validate(), keyErr); err != nil {
		return err
	}
	sender, err := pagerduty.New(pagerduty.Config{
		Endpoint: cfg.PagerDuty.Endpoint, RoutingKeys: keys, Source: cfg.PagerDuty.Source,
		RunbookBaseURL: cfg.PagerDuty.RunbookBaseURL, RetryMax: cfg.PagerDuty.RetryMax,
		RetryWaitMin: cfg.PagerDuty.RetryWaitMin, RetryWaitMax: cfg.PagerDuty.RetryWaitMax,
		Timeout: cfg.PagerDuty.Timeout,
	})
	if err != nil {
		return err
	}
	if err := jobs.EnsureStreams(ctx, deps.JS, cfg.Streams); err != nil {
		return startFailed(ctx, err)
	}
	ob, err := outbox.Open(ctx, deps.JS, outbox.Options{Bucket: cfg.Bucket, Replicas: cfg.Replicas})
	if err != nil {
		return startFailed(ctx, err)
	}
	h := &handlers{ob: ob, limits: rules.Limits{MaxBackupBytes: max(cfg.MaxBackupBytes, 0)}, log: deps.Logger}
	fresh := deps.Freshness
	if fresh == nil {
		h.mem = stale.NewMemory()
		fresh = h.mem
		if err := seed(ctx, deps.JS, h.mem); err != nil {
			deps.Logger.Warn("freshness not replayed from EVENTS; staleness known from new events only", "err", err)
		}
	}
	d := dispatch.New(ob, sender, dispatch.Config{
		StormThreshold: cfg.StormThreshold, Rate: rate.Limit(cfg.RatePerSecond), Burst: cfg.Burst,
		Gather: cfg.Gather, RetryMin: cfg.RetryMin, RetryMax: cfg.RetryMax,
	}, deps.Logger, deps.Now)
	policy := stale.Policy{StaleAfter: cfg.StaleAfter, DrillOverdueAfter: max(cfg.DrillOverdueAfter, 0)}

	g, ctx := errgroup.WithContext(ctx)
	// EVENTS and DLQ keep their messages (limits retention): acking only
	// moves the alerter's cursor. A message that cannot be read is
	// terminated (jobs.Permanent) and stays in the stream for inspection.
	g.Go(func() error {
		return jobs.Consume(ctx, deps.JS, jobs.ConsumeOptions{Stream: messages.StreamEvents, Durable: cfg.Durable,
			Filters: messages.OutcomeEventFilters(), Description: "Arca alerter", Logger: deps.Logger}, h.event)
	})
	g.Go(func() error {
		return jobs.Consume(ctx, deps.JS, jobs.ConsumeOptions{Stream: messages.StreamDLQ, Durable: cfg.Durable,
			Filter: messages.SubjectDLQ, Description: "Arca alerter", Logger: deps.Logger}, h.deadLetter)
	})
	g.Go(func() error { return d.Run(ctx) })
	g.Go(func() error { return h.checkLoop(ctx, fresh, policy, cfg.CheckInterval, deps.Now) })
	deps.Logger.Info("alerter started", "bucket", cfg.Bucket, "storm_threshold", cfg.StormThreshold)
	return g.Wait()
}

// startFailed is nil when shutdown came during start-up, which a loaded
// machine makes slow: stopping is not a failure.
func startFailed(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return nil
	}
	return fmt.Errorf("alerter: %w", err)
}
