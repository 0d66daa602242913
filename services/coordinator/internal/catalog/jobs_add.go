package catalog

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// AddJob records the job of one tenant in a run and reports whether to
// publish it: true when the job is queued under this backup id, newly or
// again after a redelivered fire (publishing again is harmless: the
// Nats-Msg-Id is the same). When another job of the same tenant and kind is
// in flight, the job is recorded as skipped, deferring to it, and publish
// is false. Jobs in flight with no progress for longer than inFlight are
// expired first, so a job whose events were lost cannot block its tenant
// for ever. An advisory lock per tenant and kind makes concurrent runs
// agree.
func (c *Catalog) AddJob(ctx context.Context, j Job, inFlight time.Duration) (publish bool, err error) {
	err = c.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, "arca-job:"+j.Kind+":"+j.Tenant); err != nil {
			return err
		}
		var state string
		err := tx.QueryRow(ctx, `SELECT state FROM `+Schema+`.jobs WHERE backup_id = $1`, j.BackupID).Scan(&state)
		switch {
		case err == nil: // recorded by an earlier delivery of the same fire
			publish = state == JobQueued
			return nil
		case !errors.Is(err, pgx.ErrNoRows):
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE `+Schema+`.jobs SET state = 'expired', finished_at = $4, updated_at = $4,
			error = 'no progress within the in-flight limit'
			WHERE tenant = $1 AND kind = $2 AND state IN ('queued', 'running', 'committed') AND updated_at < $3`,
			j.Tenant, j.Kind, j.RequestedAt.Add(-inFlight), j.RequestedAt); err != nil {
			return err
		}
		var other string
		err = tx.QueryRow(ctx, `SELECT backup_id FROM `+Schema+`.jobs WHERE tenant = $1 AND kind = $2
			AND state IN ('queued', 'running', 'committed') ORDER BY requested_at LIMIT 1`, j.Tenant, j.Kind).Scan(&other)
		switch {
		case err == nil:
			j.State, j.SkippedFor = JobSkipped, other
		case errors.Is(err, pgx.ErrNoRows):
			j.State, publish = JobQueued, true
		default:
			return err
		}
		var finished *time.Time
		if j.State == JobSkipped {
			finished = &j.RequestedAt
		}
		_, err = tx.Exec(ctx, `INSERT INTO `+Schema+`.jobs (backup_id, run_id, tenant, kind, state, skipped_for,
			requested_at, finished_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $7)`,
			j.BackupID, j.RunID, j.Tenant, j.Kind, j.State, j.SkippedFor, j.RequestedAt, finished)
		return err
	})
	if err != nil {
		return false, fmt.Errorf("add job %s: %w", j.BackupID, err)
	}
	return publish, nil
}
