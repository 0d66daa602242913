package fsstore

import (
	"bytes"
	"context"
	"encoding/hex"
	"fmt"
	"io"
	"os"

	"github.com/arcabackup/arca/pkg/objstore"
)

// Put implements objstore.Store.
func (s *Store) Put(ctx context.Context, key string, r io.Reader, size int64, opts ...objstore.Option) (objstore.ObjectInfo, error) {
	if err := s.checkKey(key); err != nil {
		return objstore.ObjectInfo{}, fmt.Errorf("put %s: %w", key, err)
	}
	o := objstore.NewOptions(opts...)
	tmp, n, sum, err := s.spool(ctxReader{ctx, r}, size)
	if err != nil {
		return objstore.ObjectInfo{}, fmt.Errorf("put %s: %w", key, err)
	}
	defer func() { _ = os.Remove(tmp) }()
	if o.SHA256 != nil && !bytes.Equal(o.SHA256, sum) {
		return objstore.ObjectInfo{}, fmt.Errorf("put %s: %w", key, objstore.ErrChecksumMismatch)
	}
	m := newMeta(o)
	m.Size, m.SHA256, m.ETag = n, sum, hex.EncodeToString(sum)
	if err := s.commit(key, tmp, m); err != nil {
		return objstore.ObjectInfo{}, fmt.Errorf("put %s: %w", key, err)
	}
	return s.Stat(ctx, key)
}

// commit renames a finished data file into place with its sidecar, under the
// store lock so that data and sidecar change together.
func (s *Store) commit(key, tmp string, m meta) error {
	unlock, err := lock(s.lockPath(), true)
	if err != nil {
		return err
	}
	defer unlock()
	if err := s.checkUnlocked(key); err != nil {
		return err
	}
	if err := s.writeJSON(s.metaPath(key), m); err != nil {
		return err
	}
	return renameInto(tmp, s.dataPath(key))
}

// ctxReader stops a long copy when the context ends.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
