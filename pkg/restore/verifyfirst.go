package restore

import (
	"context"
	"fmt"
	"io"

	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/restore/verify"
	"github.com/arcabackup/arca/pkg/seal"
)

// Opener opens a backup's sealed object for reading, from the bucket.
type Opener func(ctx context.Context) (io.ReadCloser, error)

// VerifyThenRestore reads the object twice: a full verification pass, then
// the restore (which verifies again as it goes). It costs a second download
// and buys a refusal before any statement runs against the database.
func VerifyThenRestore(ctx context.Context, dbURL string, open Opener, m backup.Manifest, keys seal.KeyLookup, opts Options) (Result, error) {
	if err := verifyPass(ctx, open, m, keys); err != nil {
		return Result{BackupID: m.BackupID, Tenant: m.Tenant, Mode: opts.Mode},
			fmt.Errorf("restore tenant %s backup %s: %w", m.Tenant, m.BackupID, err)
	}
	obj, err := open(ctx)
	if err != nil {
		return Result{BackupID: m.BackupID, Tenant: m.Tenant, Mode: opts.Mode},
			fmt.Errorf("restore tenant %s backup %s: open object: %w", m.Tenant, m.BackupID, err)
	}
	defer func() { _ = obj.Close() }() // read side: a close error loses nothing
	return Tenant(ctx, dbURL, obj, m, keys, opts)
}

func verifyPass(ctx context.Context, open Opener, m backup.Manifest, keys seal.KeyLookup) error {
	obj, err := open(ctx)
	if err != nil {
		return fmt.Errorf("open object: %w", err)
	}
	defer func() { _ = obj.Close() }() // read side: a close error loses nothing
	_, err = verify.Backup(ctx, obj, m, keys)
	return err
}
