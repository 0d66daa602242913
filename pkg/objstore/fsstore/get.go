package fsstore

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/arcabackup/arca/pkg/objstore"
)

// Get implements objstore.Store.
func (s *Store) Get(ctx context.Context, key string, rng objstore.Range) (io.ReadCloser, error) {
	if err := s.checkKey(key); err != nil {
		return nil, fmt.Errorf("get %s: %w", key, err)
	}
	unlock, err := lock(s.lockPath(), false)
	if err != nil {
		return nil, fmt.Errorf("get %s: %w", key, err)
	}
	defer unlock()
	f, fi, err := s.open(key)
	if err != nil {
		return nil, fmt.Errorf("get %s: %w", key, err)
	}
	if rng.Offset < 0 || (rng.Offset > 0 && rng.Offset >= fi.Size()) {
		_ = f.Close()
		return nil, fmt.Errorf("get %s: range offset %d outside %d bytes", key, rng.Offset, fi.Size())
	}
	if rng != (objstore.Range{}) {
		if _, err := f.Seek(rng.Offset, io.SeekStart); err != nil {
			_ = f.Close()
			return nil, fmt.Errorf("get %s: %w", key, err)
		}
		var r io.Reader = f
		if rng.Length > 0 {
			r = io.LimitReader(f, rng.Length)
		}
		return struct {
			io.Reader
			io.Closer
		}{r, f}, nil
	}
	m, err := s.readMeta(key)
	if err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("get %s: %w", key, err)
	}
	if info := m.info(key, fi); info.SHA256 != nil {
		return &hashingReader{r: f, h: sha256.New(), want: info.SHA256, key: key}, nil
	}
	return f, nil
}

// open opens an object's data file; ErrNotFound when there is none.
func (s *Store) open(key string) (*os.File, fs.FileInfo, error) {
	f, err := os.Open(s.dataPath(key))
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, errNotDir) {
		return nil, nil, objstore.ErrNotFound
	}
	if err != nil {
		return nil, nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		_ = f.Close()
		return nil, nil, err
	}
	if fi.IsDir() {
		_ = f.Close()
		return nil, nil, objstore.ErrNotFound
	}
	return f, fi, nil
}

// Stat implements objstore.Store.
func (s *Store) Stat(ctx context.Context, key string) (objstore.ObjectInfo, error) {
	if err := s.checkKey(key); err != nil {
		return objstore.ObjectInfo{}, fmt.Errorf("stat %s: %w", key, err)
	}
	unlock, err := lock(s.lockPath(), false)
	if err != nil {
		return objstore.ObjectInfo{}, fmt.Errorf("stat %s: %w", key, err)
	}
	defer unlock()
	fi, err := os.Stat(s.dataPath(key))
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, errNotDir) || (err == nil && fi.IsDir()) {
		return objstore.ObjectInfo{}, fmt.Errorf("stat %s: %w", key, objstore.ErrNotFound)
	}
	if err != nil {
		return objstore.ObjectInfo{}, fmt.Errorf("stat %s: %w", key, err)
	}
	m, err := s.readMeta(key)
	if err != nil {
		return objstore.ObjectInfo{}, fmt.Errorf("stat %s: %w", key, err)
	}
	return m.info(key, fi), nil
}
