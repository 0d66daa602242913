package prune

import (
	"context"
	"errors"
	"fmt"

	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/seal"
)

// Verifications tells what the verifier found about a backup. The default
// reads verified.json beside the manifest; the catalog can answer instead.
type Verifications interface {
	// Verification returns the latest verification of the backup whose
	// manifest is at manifestKey; found is false when it was never checked.
	// An error means the answer is unknown, and stops the run: deciding
	// without it could delete the newest verified backup.
	Verification(ctx context.Context, manifestKey string, m backup.Manifest) (v backup.Verification, found bool, err error)
}

// VerificationFiles reads and authenticates verified.json from the store.
type VerificationFiles struct {
	Store  backup.Bucket
	Layout backup.Layout
	Keys   seal.KeyLookup
}

// errUnreadable marks a verification record that exists but cannot be
// used; the backup counts as unchecked and the run reports a problem.
var errUnreadable = errors.New("unreadable verification")

// Verification implements Verifications. A record that is refused (it does
// not authenticate as this backup's verification: copied from another
// backup, tampered with, plaintext format 1) or does not parse counts as
// unchecked, with an error wrapping errUnreadable that Run reports as a
// problem.
func (f VerificationFiles) Verification(ctx context.Context, manifestKey string, m backup.Manifest) (backup.Verification, bool, error) {
	repo := backup.Repository{Store: f.Store, Layout: f.Layout, Keys: f.Keys}
	v, found, err := repo.Verification(ctx, manifestKey)
	var refused *backup.MetadataError
	if errors.As(err, &refused) {
		return backup.Verification{}, false, fmt.Errorf("%w: %w", errUnreadable, err)
	}
	if err != nil || !found {
		return backup.Verification{}, false, err
	}
	if v.BackupID != m.BackupID {
		return v, false, fmt.Errorf("read verification %s: %w: it is for backup %q", backup.VerificationKey(manifestKey), errUnreadable, v.BackupID)
	}
	return v, true, nil
}
