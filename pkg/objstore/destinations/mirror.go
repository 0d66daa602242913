package destinations

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/arcabackup/arca/pkg/objstore"
)

// Mirror is the store of the writers outside the pipeline (wal-push, the
// WAL agent, wal-receive, base backups): every object is written to the
// primary, whose answer is the write's, and once it is there copied to
// each further destination (CopyAsStored: with the object's own tags and
// storage class, checked against the digest the primary recorded). A copy that fails does not fail the write: the object is
// durable in the primary, and failing wal-push for a second destination
// would stop PostgreSQL recycling WAL because of a store that restore
// needs only when the primary is lost. Failed is told instead, and
// Sync completes the destination later (arca copy --archive).
//
// Reads (Get, Stat, List) are the primary's: wal-push's "already archived"
// check must see the primary, not a copy. Restore reads through Reader.
type Mirror struct {
	objstore.Store // the primary
	Copies         Set
	// Failed, when not nil, is told of each copy that failed.
	Failed func(key, destination string, err error)
}

var _ objstore.Store = Mirror{}

// Put writes to the primary, then copies to each further destination.
func (m Mirror) Put(ctx context.Context, key string, r io.Reader, size int64, opts ...objstore.Option) (objstore.ObjectInfo, error) {
	info, err := m.Store.Put(ctx, key, r, size, opts...)
	if err != nil {
		return info, err
	}
	m.copy(ctx, key, info.SHA256)
	return info, nil
}

// CompleteMultipart completes on the primary, then copies the object to
// each further destination.
func (m Mirror) CompleteMultipart(ctx context.Context, key, uploadID string, parts []objstore.Part) (objstore.ObjectInfo, error) {
	info, err := m.Store.CompleteMultipart(ctx, key, uploadID, parts)
	if err != nil {
		return info, err
	}
	m.copy(ctx, key, info.SHA256)
	return info, nil
}

// Delete deletes from the primary, and then from each copy (a writer
// deleting what it wrote: a failed attempt's leftovers). A copy that
// cannot delete is reported, as a copy that cannot write is.
func (m Mirror) Delete(ctx context.Context, key string) error {
	if err := m.Store.Delete(ctx, key); err != nil {
		return err
	}
	for _, d := range m.Copies {
		if err := d.Store.Delete(ctx, key); err != nil && !errors.Is(err, objstore.ErrNotFound) {
			m.failed(key, d.Name, err)
		}
	}
	return nil
}

func (m Mirror) copy(ctx context.Context, key string, sha256 []byte) {
	for _, d := range m.Copies {
		if _, err := CopyAsStored(ctx, m.Store, d.Store, key, sha256); err != nil {
			m.failed(key, d.Name, err)
		}
	}
}

func (m Mirror) failed(key, name string, err error) {
	if m.Failed != nil {
		m.Failed(key, name, err)
	}
}

// SyncReport is what Sync did.
type SyncReport struct {
	Copied int   // objects copied
	Bytes  int64 // their bytes
	Had    int   // objects the destination already held
}

// Sync copies every object under prefix that from holds and to lacks (or
// holds with another size) to to: a mirror's copies that failed, or a
// destination added after the archive began. Objects are copied in key
// order, so a base backup's data comes before its manifest; each with the
// tags and storage class its writer gave it (CopyAsStored), then opts (the
// destination's SSE-KMS key). It stops at the first failure, which names
// the key.
func Sync(ctx context.Context, from, to objstore.Store, prefix string, opts ...objstore.Option) (SyncReport, error) {
	var rep SyncReport
	for o, err := range from.List(ctx, prefix) {
		if err != nil {
			return rep, fmt.Errorf("sync %s: %w", prefix, err)
		}
		copied, err := CopyAsStored(ctx, from, to, o.Key, nil, opts...)
		if err != nil {
			return rep, err
		}
		if copied {
			rep.Copied++
			rep.Bytes += o.Size
		} else {
			rep.Had++
		}
	}
	return rep, nil
}
