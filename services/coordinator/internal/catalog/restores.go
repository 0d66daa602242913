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

// Restore modes: into a scratch database (the API's only mode), side by
// side into a schema of the live database, or replacing the live tenant.
const (
	RestoreTarget     = "target"
	RestoreIntoSchema = "into_schema"
	RestoreReplace    = "replace"
)

const restoreColumns = `id, backup_id, tenant, target, mode, state, requested_at, finished_at, error, result`

func scanRestore(row pgx.Row) (Restore, error) {
	var r Restore
	err := row.Scan(&r.ID, &r.BackupID, &r.Tenant, &r.Target, &r.Mode, &r.State, &r.RequestedAt, &r.FinishedAt, &r.Error, &r.Result)
	return r, err
}

// AddRestore records a requested restore.
func (c *Catalog) AddRestore(ctx context.Context, r Restore) error {
	if r.Mode == "" {
		r.Mode = RestoreTarget
	}
	if _, err := c.db.Exec(ctx, `INSERT INTO `+Schema+`.restores (id, backup_id, tenant, target, mode, state, requested_at, result)
		VALUES ($1, $2, $3, $4, $5, 'requested', $6, $7)`, r.ID, r.BackupID, r.Tenant, r.Target, r.Mode, r.RequestedAt, r.Result); err != nil {
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

// SetRestoreResult records the executor's one-line summary of a restore.
func (c *Catalog) SetRestoreResult(ctx context.Context, id, result string) error {
	if _, err := c.db.Exec(ctx, `UPDATE `+Schema+`.restores SET result = $2 WHERE id = $1`, id, result); err != nil {
		return fmt.Errorf("restore %s result: %w", id, err)
	}
	return nil
}

// Restore returns one restore.
func (c *Catalog) Restore(ctx context.Context, id string) (Restore, error) {
	r, err := scanRestore(c.db.QueryRow(ctx, `SELECT `+restoreColumns+` FROM `+Schema+`.restores WHERE id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return Restore{}, fmt.Errorf("restore %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return Restore{}, fmt.Errorf("restore %s: %w", id, err)
	}
	return r, nil
}
