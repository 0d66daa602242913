package fsstore

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"
)

// spool copies r into a new temporary file, fsyncs it, and returns its path,
// its length and its SHA-256. size < 0 means unknown; otherwise r must hold
// exactly size bytes.
func (s *Store) spool(r io.Reader, size int64) (path string, n int64, sum []byte, err error) {
	f, err := os.CreateTemp(s.tmpDir(), "put-*")
	if err != nil {
		return "", 0, nil, err
	}
	defer func() {
		if err != nil {
			_ = f.Close()
			_ = os.Remove(f.Name())
		}
	}()
	h := sha256.New()
	src := r
	if size >= 0 {
		src = io.LimitReader(r, size+1) // one more byte reveals a longer reader
	}
	n, err = io.Copy(io.MultiWriter(f, h), src)
	if err != nil {
		return "", 0, nil, err
	}
	if size >= 0 && n != size {
		return "", 0, nil, fmt.Errorf("read %d bytes, expected %d", n, size)
	}
	if err = f.Sync(); err != nil {
		return "", 0, nil, err
	}
	if err = f.Close(); err != nil {
		return "", 0, nil, err
	}
	return f.Name(), n, h.Sum(nil), nil
}

// writeJSON writes v to path atomically (temp file, fsync, rename).
func (s *Store) writeJSON(path string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	f, err := os.CreateTemp(s.tmpDir(), "json-*")
	if err != nil {
		return err
	}
	defer func() { _ = os.Remove(f.Name()) }()
	if _, err := f.Write(b); err != nil {
		_ = f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		_ = f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return renameInto(f.Name(), path)
}

// renameInto moves a finished temporary file to path, creating parent
// directories, and fsyncs the directory so the rename survives a crash.
func renameInto(tmp, path string) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	return syncDir(dir)
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer func() { _ = d.Close() }()
	return d.Sync()
}

// hashingReader checks that what it passes on has the expected SHA-256
// when its source reaches io.EOF.
type hashingReader struct {
	r    io.ReadCloser
	h    hash.Hash
	want []byte
	key  string
}

func (v *hashingReader) Read(p []byte) (int, error) {
	n, err := v.r.Read(p)
	v.h.Write(p[:n])
	if err == io.EOF && string(v.h.Sum(nil)) != string(v.want) {
		return n, fmt.Errorf("read %s: %w", v.key, errChecksum)
	}
	return n, err
}

func (v *hashingReader) Close() error { return v.r.Close() }
