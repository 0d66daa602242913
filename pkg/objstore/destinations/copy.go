package destinations

import (
	"context"
	"errors"
	"fmt"

	"github.com/arcabackup/arca/pkg/objstore"
)

// Copy streams key from one store to another. With sha256 (the digest a
// manifest records) the destination refuses bytes that differ
// (objstore.ErrChecksumMismatch) and stores nothing, so a damaged source
// never becomes a damaged copy. Idempotent: a key the destination already
// holds with that digest (without sha256: that size) is left alone and
// reported as not copied; one whose digest the destination does not know
// (an S3 multipart object) is copied again.
func Copy(ctx context.Context, from, to objstore.Store, key string, sha256 []byte, opts ...objstore.Option) (copied bool, err error) {
	src, err := from.Stat(ctx, key)
	if err != nil {
		return false, fmt.Errorf("copy %s: %w", key, err)
	}
	if have, err := to.Stat(ctx, key); err == nil && have.Size == src.Size && (sha256 == nil || string(have.SHA256) == string(sha256)) {
		return false, nil
	} else if err != nil && !errors.Is(err, objstore.ErrNotFound) {
		return false, fmt.Errorf("copy %s: %w", key, err)
	}
	rc, err := from.Get(ctx, key, objstore.Range{})
	if err != nil {
		return false, fmt.Errorf("copy %s: %w", key, err)
	}
	defer rc.Close()
	if sha256 != nil {
		opts = append(opts, objstore.WithSHA256(sha256))
	}
	if _, err := to.Put(ctx, key, rc, src.Size, opts...); err != nil {
		return false, fmt.Errorf("copy %s: %w", key, err)
	}
	return true, nil
}
