package verify

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/objstore"
)

// Stored reads the backup whose manifest is at manifestKey back from the
// repository's bucket and proves it against the manifest. A *Failure with
// Damaged() true says the backup is bad (a refused manifest, a missing
// data object: damage); any other error says it could not be read.
func Stored(ctx context.Context, repo backup.Repository, manifestKey string) (Result, error) {
	return StoredParts(ctx, repo, manifestKey, nil)
}

// StoredParts is Stored calling partRead (when not nil) as the reads cross
// the end of each part, so a caller can report progress part by part.
func StoredParts(ctx context.Context, repo backup.Repository, manifestKey string, partRead func(part int, bytes int64)) (Result, error) {
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
	var r io.Reader = obj
	if partRead != nil {
		r = &partReader{r: obj, parts: m.Object.Parts, done: partRead}
	}
	return Backup(ctx, r, m, repo.Keys)
}

// partReader calls done as the reads cross the end of each part.
type partReader struct {
	r     io.Reader
	parts []backup.Part
	read  int64
	next  int
	done  func(part int, bytes int64)
}

func (p *partReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	p.read += int64(n)
	for p.next < len(p.parts) && p.read >= p.parts[p.next].Offset+p.parts[p.next].Size {
		p.done(p.next, p.parts[p.next].Size)
		p.next++
	}
	return n, err
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
