package catalog

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/arcabackup/arca/pkg/backup"
)

// Rebuild restores the backups table from the manifests under the
// repository's layout (and the verified.json beside each, when present).
// It upserts, so it may run on a live catalog; rows of backups whose
// manifest is gone are left alone. It returns how many manifests it read.
// A manifest that is refused (it does not authenticate, or describes
// another backup than its key) or cannot be read is skipped and returned
// in refused, one error naming its key each: the catalog does not silently
// miss a backup, and one bad manifest does not stop the others. A refused
// verification counts as none and is reported the same way.
func (c *Catalog) Rebuild(ctx context.Context, repo backup.Repository) (n int, refused []error, err error) {
	found, err := repo.List(ctx)
	if err != nil {
		return 0, nil, fmt.Errorf("rebuild catalog: %w", err)
	}
	refused = found.Refused
	for _, e := range found.Backups {
		if e.VerificationErr != nil {
			refused = append(refused, e.VerificationErr)
		}
		if err := c.putManifest(ctx, e.Key, e.Manifest, e.Verification); err != nil {
			return n, refused, fmt.Errorf("rebuild catalog: %w", err)
		}
		n++
	}
	return n, refused, nil
}

func (c *Catalog) putManifest(ctx context.Context, key string, m backup.Manifest, v *backup.Verification) error {
	return c.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO `+Schema+`.backups (backup_id, tenant, kind, run_id, manifest_key, object_key,
			bytes, plain_bytes, parts, created_at, committed_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
			ON CONFLICT (backup_id) DO UPDATE SET tenant = excluded.tenant, kind = excluded.kind, run_id = excluded.run_id,
				manifest_key = excluded.manifest_key, object_key = excluded.object_key, bytes = excluded.bytes,
				plain_bytes = excluded.plain_bytes, parts = excluded.parts, created_at = excluded.created_at,
				committed_at = excluded.committed_at`,
			m.BackupID, m.Tenant, m.Kind, m.Run, key, m.Object.Key, m.Object.Size, m.PlainSize, len(m.Object.Parts),
			m.CreatedAt, m.CommittedAt); err != nil {
			return fmt.Errorf("backup %s: %w", m.BackupID, err)
		}
		if v == nil {
			return nil
		}
		if _, err := tx.Exec(ctx, `INSERT INTO `+Schema+`.verifications (backup_id, checked_at, verified, reason)
			VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`, m.BackupID, v.CheckedAt, v.Verified, v.Reason); err != nil {
			return fmt.Errorf("verification of %s: %w", m.BackupID, err)
		}
		_, err := tx.Exec(ctx, `UPDATE `+Schema+`.backups SET
			verified_at = CASE WHEN $2 THEN greatest(verified_at, $3) ELSE verified_at END,
			verify_error = CASE WHEN $2 THEN '' ELSE $4 END WHERE backup_id = $1`, m.BackupID, v.Verified, v.CheckedAt, v.Reason)
		if err != nil {
			return fmt.Errorf("verification of %s: %w", m.BackupID, err)
		}
		return nil
	})
}
