package service

import (
	"context"
	"fmt"
	"time"

	"go.opentelemetry.io/otel/attribute"

	"github.com/arcabackup/arca/services/coordinator/internal/catalog"
	"github.com/arcabackup/arca/services/coordinator/internal/fanout"
	"github.com/arcabackup/arca/services/coordinator/internal/schedule"
)

// syncSchedules makes the stored schedules match the configuration.
func (c *Service) syncSchedules(ctx context.Context) error {
	s, err := schedule.EnsureStream(ctx, c.deps.JS, c.cfg.Streams.Replicas)
	if err != nil {
		return fmt.Errorf("coordinator schedules: %w", err)
	}
	if err := schedule.Sync(ctx, c.deps.JS, s, c.cfg.Schedules.definitions()); err != nil {
		return fmt.Errorf("coordinator schedules: %w", err)
	}
	return nil
}

func (c *Service) consumeFires(ctx context.Context) error {
	return schedule.NewConsumer(c.deps.JS, c.fire, c.cfg.FireAckWait, c.cfg.Retry, c.log).Run(ctx)
}

// fire starts the run of one schedule fire.
func (c *Service) fire(ctx context.Context, f schedule.Fire) error {
	run := catalog.NewRun{
		ID: f.RunID(), Schedule: f.Name, Kind: f.Kind, Trigger: "schedule", FireKey: f.Key, ScheduledAt: f.ScheduledAt,
	}
	switch f.Kind {
	case ScheduleDrill:
		return c.callback(ctx, run, c.task(operations.drill))
	case ScheduleRetention:
		if c.ops == nil {
			return c.callback(ctx, run, nil)
		}
		return c.callback(ctx, run, c.ops.retention)
	case ScheduleBase:
		return c.callback(ctx, run, c.task(operations.base))
	case ScheduleWALCheck:
		return c.callback(ctx, run, c.task(operations.walCheck))
	}
	res, err := c.fanout.Run(ctx, fanout.Request{Run: run})
	if err != nil {
		return err
	}
	c.log.Info("run fanned out", "run", res.Run.ID, "schedule", f.Name, "jobs", len(res.BackupIDs), "published", res.Published)
	return nil
}

// callback runs a drill or retention fire once: a run already recorded is
// not started again.
func (c *Service) callback(ctx context.Context, nr catalog.NewRun, f func(context.Context, RunInfo) error) error {
	run, err := c.cat.ClaimRun(ctx, nr)
	if err != nil {
		return err
	}
	if run.State != catalog.RunFanningOut {
		return nil
	}
	var runErr error
	if f != nil {
		runErr = c.traced(ctx, nr.Kind, func(ctx context.Context) error {
			return f(ctx, RunInfo{ID: run.ID, Schedule: run.Schedule, ScheduledAt: run.ScheduledAt})
		}, attribute.String("arca.run", run.ID), attribute.String("arca.schedule", run.Schedule))
		if runErr != nil {
			c.log.Error("scheduled run failed", "run", run.ID, "err", runErr)
		}
	}
	if ctx.Err() != nil {
		return ctx.Err() // shutting down: hand the fire back
	}
	return c.cat.EndRun(ctx, run.ID, runErr, time.Now().UTC())
}

// task is one of the operations run by Tasks, or nil (the fire is
// ignored) when none are wired.
func (c *Service) task(op func(operations, context.Context, RunInfo) error) func(context.Context, RunInfo) error {
	if c.ops == nil || !c.ops.tasksWired() {
		return nil
	}
	return func(ctx context.Context, run RunInfo) error { return op(c.ops, ctx, run) }
}
