package catalog

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// ClaimRun records a run about to fan out and returns it. A run whose
// FireKey or ID is already recorded (a redelivered fire, a second message
// for the same fire) is returned as recorded, so every replica that handles
// a fire fans out under the same run id and scheduled time.
func (c *Catalog) ClaimRun(ctx context.Context, r NewRun) (Run, error) {
	var fireKey *string
	if r.FireKey != "" {
		fireKey = &r.FireKey
	}
	_, err := c.db.Exec(ctx, `INSERT INTO `+Schema+`.runs (id, schedule, kind, trigger, fire_key, scheduled_at)
		VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
		r.ID, r.Schedule, r.Kind, r.Trigger, fireKey, r.ScheduledAt)
	if err != nil {
		return Run{}, fmt.Errorf("claim run %s: %w", r.ID, err)
	}
	id := r.ID
	if fireKey != nil {
		if err := c.db.QueryRow(ctx, `SELECT id FROM `+Schema+`.runs WHERE fire_key = $1 OR id = $2
			ORDER BY (fire_key = $1) DESC NULLS LAST LIMIT 1`, r.FireKey, r.ID).Scan(&id); err != nil {
			return Run{}, fmt.Errorf("claim run %s: %w", r.ID, err)
		}
	}
	run, err := c.Run(ctx, id)
	if err != nil {
		return Run{}, fmt.Errorf("claim run %s: %w", r.ID, err)
	}
	return run, nil
}

// FinishFanout marks a run's jobs all published: from now on the run
// completes when its last job does (at once if it has none in flight).
func (c *Catalog) FinishFanout(ctx context.Context, runID string, now time.Time) error {
	err := c.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE `+Schema+`.runs SET state = 'running', fanned_out_at = $2,
			jobs = (SELECT count(*) FROM `+Schema+`.jobs WHERE run_id = $1)
			WHERE id = $1 AND state = 'fanning_out'`, runID, now); err != nil {
			return err
		}
		return completeRun(ctx, tx, runID, now)
	})
	if err != nil {
		return fmt.Errorf("finish fan-out of run %s: %w", runID, err)
	}
	return nil
}

// EndRun sets the final state of a run without jobs (drill, retention).
func (c *Catalog) EndRun(ctx context.Context, runID string, runErr error, now time.Time) error {
	state, msg := RunDone, ""
	if runErr != nil {
		state, msg = RunFailed, runErr.Error()
	}
	if _, err := c.db.Exec(ctx, `UPDATE `+Schema+`.runs SET state = $2, error = $3, fanned_out_at = coalesce(fanned_out_at, $4),
		finished_at = $4 WHERE id = $1`, runID, state, msg, now); err != nil {
		return fmt.Errorf("end run %s: %w", runID, err)
	}
	return nil
}

// completeRun ends a running run once none of its jobs is in flight.
func completeRun(ctx context.Context, tx pgx.Tx, runID string, now time.Time) error {
	_, err := tx.Exec(ctx, `UPDATE `+Schema+`.runs r SET finished_at = $2,
		state = CASE WHEN EXISTS (SELECT 1 FROM `+Schema+`.jobs j WHERE j.run_id = r.id
			AND j.state IN ('failed', 'dead_lettered', 'expired')) THEN 'failed' ELSE 'done' END
		WHERE r.id = $1 AND r.state = 'running' AND NOT EXISTS (SELECT 1 FROM `+Schema+`.jobs j
			WHERE j.run_id = r.id AND j.state IN ('queued', 'running', 'committed'))`, runID, now)
	return err
}

const runColumns = `r.id, r.schedule, r.kind, r.trigger, r.state, r.scheduled_at, r.started_at, r.fanned_out_at,
	r.finished_at, r.error,
	(SELECT count(*) FROM ` + Schema + `.jobs j WHERE j.run_id = r.id),
	(SELECT coalesce(sum(j.bytes), 0) FROM ` + Schema + `.jobs j WHERE j.run_id = r.id),
	(SELECT coalesce(sum(j.plain_bytes), 0) FROM ` + Schema + `.jobs j WHERE j.run_id = r.id),
	(SELECT coalesce(jsonb_object_agg(s.state, s.n), '{}') FROM (SELECT j.state, count(*) n FROM ` + Schema + `.jobs j
		WHERE j.run_id = r.id GROUP BY j.state) s)`

func scanRun(row pgx.Row) (Run, error) {
	var r Run
	err := row.Scan(&r.ID, &r.Schedule, &r.Kind, &r.Trigger, &r.State, &r.ScheduledAt, &r.StartedAt, &r.FannedOutAt,
		&r.FinishedAt, &r.Error, &r.Jobs, &r.Bytes, &r.PlainBytes, &r.ByState)
	return r, err
}

// Run returns one run with its jobs counted by state.
func (c *Catalog) Run(ctx context.Context, id string) (Run, error) {
	r, err := scanRun(c.db.QueryRow(ctx, `SELECT `+runColumns+` FROM `+Schema+`.runs r WHERE r.id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return Run{}, fmt.Errorf("run %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return Run{}, fmt.Errorf("run %s: %w", id, err)
	}
	return r, nil
}

// Runs lists the newest runs first.
func (c *Catalog) Runs(ctx context.Context, limit int) ([]Run, error) {
	return queryAll(ctx, c.db, func(row pgx.CollectableRow) (Run, error) { return scanRun(row) }, "list runs", `SELECT `+runColumns+` FROM `+Schema+`.runs r ORDER BY r.started_at DESC LIMIT $1`, limit)
}

// StalledRuns lists runs still fanning out that started before: their
// replica died and their fire is gone, or their fan-out is very slow.
// Fanning them out again is harmless.
func (c *Catalog) StalledRuns(ctx context.Context, before time.Time) ([]NewRun, error) {
	return queryAll(ctx, c.db, func(row pgx.CollectableRow) (NewRun, error) {
		var r NewRun
		err := row.Scan(&r.ID, &r.Schedule, &r.Kind, &r.Trigger, &r.FireKey, &r.ScheduledAt)
		return r, err
	}, "stalled runs", `SELECT id, schedule, kind, trigger, coalesce(fire_key, ''), scheduled_at
		FROM `+Schema+`.runs WHERE state = 'fanning_out' AND kind IN ('tenant', 'full', 'base') AND started_at < $1
		ORDER BY started_at`, before)
}
