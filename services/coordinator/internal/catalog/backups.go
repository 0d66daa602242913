package catalog

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// backupView joins what the bucket says (backups) with what the pipeline
// says (jobs): a backup known only from its manifest has no job, a job not
// committed yet has no backup.
const backupView = `SELECT coalesce(b.backup_id, j.backup_id) AS backup_id, coalesce(b.tenant, j.tenant) AS tenant,
	coalesce(b.kind, j.kind) AS kind, coalesce(nullif(b.run_id, ''), j.run_id, '') AS run_id,
	coalesce(j.state, CASE WHEN b.verified_at IS NOT NULL THEN 'verified' ELSE 'committed' END) AS state,
	j.requested_at, coalesce(b.committed_at, j.committed_at) AS committed_at, b.verified_at,
	coalesce(b.manifest_key, '') AS manifest_key, coalesce(b.object_key, '') AS object_key,
	coalesce(b.bytes, j.bytes) AS bytes, coalesce(nullif(b.plain_bytes, 0), j.plain_bytes, 0) AS plain_bytes,
	coalesce(b.parts, 0) AS parts, coalesce(nullif(b.verify_error, ''), j.error, '') AS error
	FROM ` + Schema + `.backups b FULL OUTER JOIN ` + Schema + `.jobs j ON j.backup_id = b.backup_id`

func scanBackup(row pgx.CollectableRow) (Backup, error) {
	var b Backup
	err := row.Scan(&b.BackupID, &b.Tenant, &b.Kind, &b.RunID, &b.State, &b.RequestedAt, &b.CommittedAt, &b.VerifiedAt,
		&b.ManifestKey, &b.ObjectKey, &b.Bytes, &b.PlainBytes, &b.Parts, &b.Error)
	return b, err
}

// Backups lists the backups of a tenant ("" for all), newest first,
// including jobs not committed yet (skipped jobs are left out).
func (c *Catalog) Backups(ctx context.Context, tenant string, limit int) ([]Backup, error) {
	return queryAll(ctx, c.db, scanBackup, fmt.Sprintf("list backups of %q", tenant), `SELECT * FROM (`+backupView+`) v
		WHERE ($1 = '' OR v.tenant = $1) AND v.state <> 'skipped'
		ORDER BY coalesce(v.committed_at, v.requested_at) DESC, v.backup_id DESC LIMIT $2`, tenant, limit)
}

// Backup returns one backup or job by id.
func (c *Catalog) Backup(ctx context.Context, id string) (Backup, error) {
	rows, err := c.db.Query(ctx, `SELECT * FROM (`+backupView+`) v WHERE v.backup_id = $1`, id)
	if err != nil {
		return Backup{}, fmt.Errorf("backup %s: %w", id, err)
	}
	b, err := pgx.CollectExactlyOneRow(rows, scanBackup)
	if errors.Is(err, pgx.ErrNoRows) {
		return Backup{}, fmt.Errorf("backup %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return Backup{}, fmt.Errorf("backup %s: %w", id, err)
	}
	return b, nil
}
