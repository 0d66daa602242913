package catalog

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// ExpireStale expires jobs in flight with no progress since before, and
// completes the runs they held open. It returns how many it expired.
func (c *Catalog) ExpireStale(ctx context.Context, before, now time.Time) (int, error) {
	n := 0
	err := c.inTx(ctx, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `UPDATE `+Schema+`.jobs SET state = 'expired', finished_at = $2, updated_at = $2,
			error = 'no progress within the in-flight limit'
			WHERE state IN ('queued', 'running', 'committed') AND updated_at < $1 RETURNING coalesce(run_id, '')`, before, now)
		if err != nil {
			return err
		}
		runs, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			return err
		}
		n = len(runs)
		for _, r := range runs {
			if err := completeRun(ctx, tx, r, now); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("expire stale jobs: %w", err)
	}
	return n, nil
}

const jobColumns = `backup_id, coalesce(run_id, ''), tenant, kind, state, skipped_for, requested_at, started_at,
	exported_at, committed_at, finished_at, plain_bytes, bytes, attempts, error`

func scanJob(row pgx.CollectableRow) (Job, error) {
	var j Job
	err := row.Scan(&j.BackupID, &j.RunID, &j.Tenant, &j.Kind, &j.State, &j.SkippedFor, &j.RequestedAt, &j.StartedAt,
		&j.ExportedAt, &j.CommittedAt, &j.FinishedAt, &j.PlainBytes, &j.Bytes, &j.Attempts, &j.Error)
	return j, err
}

// Jobs lists a run's jobs by tenant.
func (c *Catalog) Jobs(ctx context.Context, runID string) ([]Job, error) {
	return queryAll(ctx, c.db, scanJob, fmt.Sprintf("jobs of run %s", runID), `SELECT `+jobColumns+` FROM `+Schema+`.jobs WHERE run_id = $1 ORDER BY tenant`, runID)
}
