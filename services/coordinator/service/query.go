package service

import (
	"context"
	"fmt"
	"time"
)

// Backups lists a tenant's backups ("" for every tenant), newest first:
// committed ones and jobs still on their way.
func (c *Service) Backups(ctx context.Context, tenant string, limit int) ([]Backup, error) {
	if err := c.setup(ctx); err != nil {
		return nil, err
	}
	return c.cat.Backups(ctx, tenant, limit)
}

// Backup shows one backup or job.
func (c *Service) Backup(ctx context.Context, id string) (Backup, error) {
	if err := c.setup(ctx); err != nil {
		return Backup{}, err
	}
	return c.cat.Backup(ctx, id)
}

// Copies are a backup's copies in the further destinations.
func (c *Service) Copies(ctx context.Context, backupID string) ([]Copy, error) {
	if err := c.setup(ctx); err != nil {
		return nil, err
	}
	return c.cat.Copies(ctx, backupID)
}

// Run shows a run and its jobs.
func (c *Service) RunStatus(ctx context.Context, id string) (Run, []Job, error) {
	if err := c.setup(ctx); err != nil {
		return Run{}, nil, err
	}
	run, err := c.cat.Run(ctx, id)
	if err != nil {
		return Run{}, nil, err
	}
	jobs, err := c.cat.Jobs(ctx, id)
	return run, jobs, err
}

// Runs lists the newest runs.
func (c *Service) Runs(ctx context.Context, limit int) ([]Run, error) {
	if err := c.setup(ctx); err != nil {
		return nil, err
	}
	return c.cat.Runs(ctx, limit)
}

// WaitRun polls the catalog every poll (default 250ms) until the run is
// done or failed, or ctx ends. Someone must be tracking events: a running
// coordinator (arca dev, or the deployed replicas).
func (c *Service) WaitRun(ctx context.Context, id string, poll time.Duration) (Run, error) {
	if poll <= 0 {
		poll = 250 * time.Millisecond
	}
	t := time.NewTicker(poll)
	defer t.Stop()
	for {
		run, err := c.cat.Run(ctx, id)
		if err != nil {
			return run, err
		}
		if run.Finished() {
			return run, nil
		}
		select {
		case <-ctx.Done():
			return run, fmt.Errorf("wait for run %s: %w", id, ctx.Err())
		case <-t.C:
		}
	}
}
