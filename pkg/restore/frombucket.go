package restore

import (
	"context"
	"fmt"
	"io"

	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/objstore"
	"github.com/arcabackup/arca/pkg/seal"
)

// Watch wraps each read of a backup's object, phase "read" (a verification
// pass) or "restore" (e.g. a progress display); done is called once that
// read ends.
type Watch func(r io.Reader, m backup.Manifest, phase string) (w io.Reader, done func())

// BucketOptions say how TenantFromBucket reads the object.
type BucketOptions struct {
	// VerifyFirst verifies the whole backup before the transaction opens
	// (VerifyThenRestore: the object is read twice).
	VerifyFirst bool
	Watch       Watch // nil: reads unwatched
}

// TenantFromBucket restores the tenant backup m, reading its sealed object
// from bucket (Tenant, or VerifyThenRestore with VerifyFirst).
func TenantFromBucket(ctx context.Context, bucket backup.Bucket, dbURL string, m backup.Manifest, keys seal.KeyLookup, opts Options, bo BucketOptions) (Result, error) {
	watch := bo.Watch
	if watch == nil {
		watch = func(r io.Reader, _ backup.Manifest, _ string) (io.Reader, func()) { return r, func() {} }
	}
	if bo.VerifyFirst {
		open := func(ctx context.Context) (io.ReadCloser, error) {
			obj, err := bucket.Get(ctx, m.Object.Key, objstore.Range{})
			if err != nil {
				return nil, err
			}
			r, done := watch(obj, m, "read")
			return watchedReader{r, obj, done}, nil
		}
		return VerifyThenRestore(ctx, dbURL, open, m, keys, opts)
	}
	obj, err := bucket.Get(ctx, m.Object.Key, objstore.Range{})
	if err != nil {
		return Result{}, fmt.Errorf("restore %s: %w", m.BackupID, err)
	}
	defer obj.Close()
	r, done := watch(obj, m, "restore")
	defer done()
	return Tenant(ctx, dbURL, r, m, keys, opts)
}

type watchedReader struct {
	io.Reader
	c    io.Closer
	done func()
}

func (w watchedReader) Close() error { w.done(); return w.c.Close() }
