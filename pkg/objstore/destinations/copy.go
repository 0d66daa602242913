package destinations

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"

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
	return copyObject(ctx, from, to, key, sha256, false, opts)
}

// CopyAsStored is Copy writing the copy with the source object's own tags
// and storage class (as its writer set them: a WAL segment's plaintext
// digest, a base backup's class), then opts (the destination's SSE-KMS
// key).
func CopyAsStored(ctx context.Context, from, to objstore.Store, key string, sha256 []byte, opts ...objstore.Option) (copied bool, err error) {
	return copyObject(ctx, from, to, key, sha256, true, opts)
}

func copyObject(ctx context.Context, from, to objstore.Store, key string, sha256 []byte, asStored bool, opts []objstore.Option) (copied bool, err error) {
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
	defer func() { _ = rc.Close() }() // read side: a close error loses nothing
	if asStored {
		opts = append(stored(src), opts...)
	}
	if sha256 != nil {
		opts = append(opts[:len(opts):len(opts)], objstore.WithSHA256(sha256))
	}
	if _, err := to.Put(ctx, key, rc, src.Size, opts...); err != nil {
		return false, fmt.Errorf("copy %s: %w", key, err)
	}
	return true, nil
}

// CopyDocument copies a small object (a manifest: at most 64 MiB) as it
// is, with opts (a storage class) on the destination's write. Unlike Copy
// it neither checks a digest nor skips a key the destination holds: the
// document is written again, which is idempotent.
func CopyDocument(ctx context.Context, from, to objstore.Store, key string, opts ...objstore.Option) error {
	rc, err := from.Get(ctx, key, objstore.Range{})
	if err != nil {
		return fmt.Errorf("copy %s: %w", key, err)
	}
	defer func() { _ = rc.Close() }() // read side: a close error loses nothing
	doc, err := io.ReadAll(io.LimitReader(rc, 64<<20))
	if err != nil {
		return fmt.Errorf("copy %s: %w", key, err)
	}
	if _, err := to.Put(ctx, key, bytes.NewReader(doc), int64(len(doc)), opts...); err != nil {
		return fmt.Errorf("copy %s: %w", key, err)
	}
	return nil
}

// stored are the settings an object was written with that a copy keeps:
// its tags and its storage class.
func stored(src objstore.ObjectInfo) []objstore.Option {
	var opts []objstore.Option
	if len(src.Tags) > 0 {
		opts = append(opts, objstore.WithTags(src.Tags))
	}
	if src.StorageClass != "" {
		opts = append(opts, objstore.WithStorageClass(src.StorageClass))
	}
	return opts
}
