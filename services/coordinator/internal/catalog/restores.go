package catalog

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// Restore states.
const (
	RestoreRequested = "requested"
	RestoreRunning   = "running"
	RestoreSucceeded = "succeeded"
	RestoreFailed    = "failed"
)

// AddRestore records a requested restore.
func (c *Catalog) AddRestore(ctx context.Context, r Restore) error {
	if _, err := c.db.Exec(ctx, `INSERT INTO `+Schema+`.restores (id, backup_id, tenant, target, state, requested_at)
		VALUES ($1, $2, $3, $4, 'requested', $5)`, r.ID, r.BackupID, r.Tenant, r.Target, r.RequestedAt); err != nil {
		return fmt.Errorf("record restore %s: %w", r.ID, err)
	}
	return nil
}

// SetRestoreState records a restore's progress; a final state (succeeded,
// failed) stamps finished_at.
func (c *Catalog) SetRestoreState(ctx context.Context, id, state string, restoreErr error, now time.Time) error {
	msg := ""
	if restoreErr != nil {
		msg = restoreErr.Error()
	}
	if _, err := c.db.Exec(ctx, `UPDATE `+Schema+`.restores SET state = $2, error = $3,
		finished_at = CASE WHEN $2 IN ('succeeded', 'failed') THEN $4 ELSE finished_at END WHERE id = $1`,
		id, state, msg, now); err != nil {
		return fmt.Errorf("restore %s state %s: %w", id, state, err)
	}
	return nil
}

// Restore returns one restore.
func (c *Catalog) Restore(ctx context.Context, id string) (Restore, error) {
	var r Restore
	err := c.db.QueryRow(ctx, `SELECT id, backup_id, tenant, target, state, requested_at, finished_at, error
		FROM `+Schema+`.restores WHERE id = $1`, id).Scan(&r.ID, &r.BackupID, &r.Tenant, &r.Target, &r.State,
		&r.RequestedAt, &r.FinishedAt, &r.Error)
	if errors.Is(err, pgx.ErrNoRows) {
		return Restore{}, fmt.Errorf("restore %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return Restore{}, fmt.Errorf("restore %s: %w", id, err)
	}
	return r, nil
}
