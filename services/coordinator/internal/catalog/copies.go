package catalog

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/arcabackup/arca/pkg/messages"
)

// Copy is one backup's copy in a further destination.
type Copy struct {
	BackupID    string `json:"backup_id"`
	Destination string `json:"destination"`
	State       string `json:"state"` // copy_failed, copied, verify_failed, verified
	Error       string `json:"error,omitempty"`
}

// copyState is the state an event about a copy moves it to ("" for none).
func copyState(e messages.Event) string {
	switch {
	case e.Stage == messages.StageCopy && e.Status == messages.StatusSucceeded:
		return "copied"
	case e.Stage == messages.StageCopy && (e.Status == messages.StatusFailed || e.Status == messages.StatusDeadLettered):
		return "copy_failed"
	case e.Stage == messages.StageVerify && e.Status == messages.StatusSucceeded:
		return "verified"
	case e.Stage == messages.StageVerify && e.Status == messages.StatusFailed:
		return "verify_failed"
	}
	return ""
}

// recordCopy records an event about a backup's copy in a destination. A
// verified copy stays verified unless a later verification fails; a later
// copy failure (a redelivery) does not undo a verification.
func recordCopy(ctx context.Context, tx pgx.Tx, destination string, e messages.Event) error {
	state := copyState(e)
	if state == "" || e.BackupID == "" {
		return nil
	}
	_, err := tx.Exec(ctx, `INSERT INTO `+Schema+`.copies AS c (backup_id, destination, state, error, copied_at, verified_at, updated_at)
		VALUES ($1, $2, $3, $4, CASE WHEN $3 = 'copied' THEN $5::timestamptz END, CASE WHEN $3 = 'verified' THEN $5::timestamptz END, $5)
		ON CONFLICT (backup_id, destination) DO UPDATE SET
			state = CASE WHEN c.state IN ('verified', 'verify_failed') AND excluded.state IN ('copied', 'copy_failed') THEN c.state
				ELSE excluded.state END,
			error = CASE WHEN c.state IN ('verified', 'verify_failed') AND excluded.state IN ('copied', 'copy_failed') THEN c.error
				WHEN excluded.state IN ('copied', 'verified') THEN '' ELSE excluded.error END,
			copied_at = coalesce(excluded.copied_at, c.copied_at),
			verified_at = CASE WHEN excluded.state = 'verified' THEN excluded.verified_at ELSE c.verified_at END,
			updated_at = greatest(c.updated_at, excluded.updated_at)`,
		e.BackupID, destination, state, e.Error, e.Time)
	return err
}

// Copies are a backup's copies in further destinations.
func (c *Catalog) Copies(ctx context.Context, backupID string) ([]Copy, error) {
	return queryAll(ctx, c.db, pgx.RowToStructByPos[Copy], fmt.Sprintf("copies of %s", backupID),
		`SELECT backup_id, destination, state, error FROM `+Schema+`.copies WHERE backup_id = $1 ORDER BY destination`, backupID)
}
