package catalog

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/jackc/pgx/v5"

	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/objstore"
)

// Rebuild restores the backups table from the manifests under the
// layout's prefix (and the verified.json beside each, when present). It
// upserts, so it may run on a live catalog; rows of backups whose manifest
// is gone are left alone. It returns how many manifests it read. An
// unreadable manifest fails the rebuild: the catalog must not silently
// miss a backup.
func (c *Catalog) Rebuild(ctx context.Context, store objstore.Store, layout backup.Layout) (int, error) {
	n := 0
	for _, folder := range []string{"tenants", "full", "base"} {
		for info, err := range store.List(ctx, layout.KindPrefix(folder)) {
			if err != nil {
				return n, fmt.Errorf("rebuild catalog: list %s: %w", folder, err)
			}
			if !backup.IsManifest(info.Key) {
				continue
			}
			m, err := readManifest(ctx, store, info.Key)
			if err != nil {
				return n, fmt.Errorf("rebuild catalog: %w", err)
			}
			v, err := readVerification(ctx, store, info.Key)
			if err != nil {
				return n, fmt.Errorf("rebuild catalog: %w", err)
			}
			if err := c.putManifest(ctx, info.Key, m, v); err != nil {
				return n, fmt.Errorf("rebuild catalog: %w", err)
			}
			n++
		}
	}
	return n, nil
}

func readManifest(ctx context.Context, store objstore.Store, key string) (backup.Manifest, error) {
	rc, err := store.Get(ctx, key, objstore.Range{})
	if err != nil {
		return backup.Manifest{}, fmt.Errorf("read %s: %w", key, err)
	}
	defer rc.Close()
	data, err := io.ReadAll(rc)
	if err != nil {
		return backup.Manifest{}, fmt.Errorf("read %s: %w", key, err)
	}
	m, err := backup.Parse(data)
	if err != nil {
		return backup.Manifest{}, fmt.Errorf("read %s: %w", key, err)
	}
	return m, nil
}

// readVerification returns the verified.json beside a manifest, nil when
// there is none.
func readVerification(ctx context.Context, store objstore.Store, manifestKey string) (*backup.Verification, error) {
	key := backup.VerificationKey(manifestKey)
	rc, err := store.Get(ctx, key, objstore.Range{})
	if errors.Is(err, objstore.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", key, err)
	}
	defer rc.Close()
	var v backup.Verification
	if err := json.NewDecoder(rc).Decode(&v); err != nil {
		return nil, fmt.Errorf("read %s: %w", key, err)
	}
	return &v, nil
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
