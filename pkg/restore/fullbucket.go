package restore

import (
	"context"
	"fmt"
	"io"

	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/objstore"
)

// FullFromBucket restores the full backup id of repo (Full): its manifest
// found and authenticated, its sealed object read from repo's store
// through watch (phase "restore"; nil reads unwatched). A backup of
// another kind is refused before its object is read.
func FullFromBucket(ctx context.Context, repo backup.Repository, id string, opts FullOptions, watch Watch) (FullResult, error) {
	e, err := repo.Get(ctx, id, "")
	if err != nil {
		return FullResult{}, err
	}
	if e.Manifest.Kind != "full" {
		return FullResult{}, fmt.Errorf("backup %s is a %s backup, not a full backup", id, e.Manifest.Kind)
	}
	obj, err := repo.Store.Get(ctx, e.Manifest.Object.Key, objstore.Range{})
	if err != nil {
		return FullResult{}, err
	}
	defer func() { _ = obj.Close() }() // read side: a close error loses nothing
	var r io.Reader = obj
	done := func() {}
	if watch != nil {
		r, done = watch(obj, e.Manifest, "restore")
	}
	defer done()
	return Full(ctx, r, e.Manifest, repo.Keys, opts)
}
