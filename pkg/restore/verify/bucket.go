package verify

import (
	"context"
	"errors"
	"fmt"

	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/objstore"
)

// Stored reads the backup whose manifest is at manifestKey back from the
// repository's bucket and proves it against the manifest. A *Failure with
// Damaged() true says the backup is bad (a refused manifest, a missing
// data object: damage); any other error says it could not be read.
func Stored(ctx context.Context, repo backup.Repository, manifestKey string) (Result, error) {
	m, err := Manifest(ctx, repo, manifestKey)
	if err != nil {
		var f *Failure
		if errors.As(err, &f) {
			return Result{BackupID: f.BackupID}, err
		}
		return Result{}, err
	}
	obj, err := repo.Store.Get(ctx, m.Object.Key, objstore.Range{})
	if errors.Is(err, objstore.ErrNotFound) {
		return Result{BackupID: m.BackupID}, &Failure{BackupID: m.BackupID, Stage: StageObject, Part: -1, Err: err}
	}
	if err != nil {
		return Result{BackupID: m.BackupID}, fmt.Errorf("verify %s: %w", m.BackupID, err)
	}
	defer obj.Close()
	return Backup(ctx, obj, m, repo.Keys)
}

// Manifest reads and authenticates a manifest.json through the
// repository. A refused manifest (one that does not authenticate as the
// manifest at this key, or in the plaintext format 1) is damage: a
// *Failure wrapping the *backup.MetadataError. A missing one wraps
// objstore.ErrNotFound.
func Manifest(ctx context.Context, repo backup.Repository, key string) (backup.Manifest, error) {
	m, err := repo.Manifest(ctx, key)
	var refused *backup.MetadataError
	if errors.As(err, &refused) {
		id := ""
		if r, rerr := repo.Layout.Ref(key); rerr == nil {
			id = r.BackupID
		}
		return backup.Manifest{}, &Failure{BackupID: id, Stage: StageManifest, Part: -1, Err: err}
	}
	return m, err
}
