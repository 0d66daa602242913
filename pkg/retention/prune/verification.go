package prune

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/objstore"
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

// VerificationFiles reads verified.json from the store.
type VerificationFiles struct {
	Store interface {
		Get(ctx context.Context, key string, rng objstore.Range) (io.ReadCloser, error)
	}
}

// errUnreadable marks a verification record that exists but cannot be
// used; the backup counts as unchecked and the run reports a problem.
var errUnreadable = errors.New("unreadable verification")

// Verification implements Verifications. A record for another backup id
// or one that does not parse counts as unchecked, with an error wrapping
// errUnreadable that Run reports as a problem.
func (f VerificationFiles) Verification(ctx context.Context, manifestKey string, m backup.Manifest) (backup.Verification, bool, error) {
	key := backup.VerificationKey(manifestKey)
	rc, err := f.Store.Get(ctx, key, objstore.Range{})
	if errors.Is(err, objstore.ErrNotFound) {
		return backup.Verification{}, false, nil
	}
	if err != nil {
		return backup.Verification{}, false, fmt.Errorf("read verification %s: %w", key, err)
	}
	defer rc.Close()
	var v backup.Verification
	dec := json.NewDecoder(io.LimitReader(rc, 1<<20))
	if err := dec.Decode(&v); err != nil {
		return v, false, fmt.Errorf("read verification %s: %w: %w", key, errUnreadable, err)
	}
	if v.BackupID != m.BackupID {
		return v, false, fmt.Errorf("read verification %s: %w: it is for backup %q", key, errUnreadable, v.BackupID)
	}
	return v, true, nil
}
