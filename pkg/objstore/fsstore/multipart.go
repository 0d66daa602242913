package fsstore

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/arcabackup/arca/pkg/objstore"
)

// upload is a multipart upload's upload.json.
type upload struct {
	Key       string           `json:"key"`
	Initiated time.Time        `json:"initiated"`
	Options   objstore.Options `json:"options"`
}

// CreateMultipart implements objstore.Store. The upload directory is built
// under tmp/ and renamed into uploads/, so it appears complete.
func (s *Store) CreateMultipart(ctx context.Context, key string, opts ...objstore.Option) (string, error) {
	if err := s.checkKey(key); err != nil {
		return "", fmt.Errorf("create multipart %s: %w", key, err)
	}
	id := rand.Text()
	tmp, err := os.MkdirTemp(s.tmpDir(), "upload-*")
	if err != nil {
		return "", fmt.Errorf("create multipart %s: %w", key, err)
	}
	u := upload{Key: key, Initiated: time.Now().UTC(), Options: objstore.NewOptions(opts...)}
	if err := s.writeJSON(filepath.Join(tmp, "upload.json"), u); err != nil {
		_ = os.RemoveAll(tmp)
		return "", fmt.Errorf("create multipart %s: %w", key, err)
	}
	if err := renameInto(tmp, s.uploadDir(id)); err != nil {
		_ = os.RemoveAll(tmp)
		return "", fmt.Errorf("create multipart %s: %w", key, err)
	}
	return id, nil
}

// readUpload loads upload.json and checks it belongs to key.
func (s *Store) readUpload(key, id string) (upload, error) {
	u, err := s.loadUpload(id)
	if err == nil && u.Key != key {
		return u, objstore.ErrNoSuchUpload
	}
	return u, err
}

// loadUpload loads upload.json; ErrNoSuchUpload when there is none.
func (s *Store) loadUpload(id string) (upload, error) {
	var u upload
	if err := objstore.ValidateKey(id); err != nil || filepath.Base(id) != id {
		return u, objstore.ErrNoSuchUpload
	}
	b, err := os.ReadFile(filepath.Join(s.uploadDir(id), "upload.json"))
	if errors.Is(err, fs.ErrNotExist) {
		return u, objstore.ErrNoSuchUpload
	}
	if err != nil {
		return u, err
	}
	err = json.Unmarshal(b, &u)
	return u, err
}

// UploadPart implements objstore.Store. A part's ETag is the hex SHA-256 of
// its bytes, so CompleteMultipart can check it while joining.
func (s *Store) UploadPart(ctx context.Context, key, uploadID string, n int, r io.Reader, size int64, sum []byte) (objstore.Part, error) {
	fail := func(err error) (objstore.Part, error) {
		return objstore.Part{}, fmt.Errorf("upload part %d of %s: %w", n, key, err)
	}
	if n < 1 || n > objstore.MaxParts {
		return fail(fmt.Errorf("part number must be 1..%d", objstore.MaxParts))
	}
	if _, err := s.readUpload(key, uploadID); err != nil {
		return fail(err)
	}
	tmp, got, digest, err := s.spool(ctxReader{ctx, r}, size)
	if err != nil {
		return fail(err)
	}
	defer func() { _ = os.Remove(tmp) }()
	if sum != nil && !bytes.Equal(sum, digest) {
		return fail(objstore.ErrChecksumMismatch)
	}
	if err := os.Rename(tmp, partPath(s.uploadDir(uploadID), n)); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return fail(objstore.ErrNoSuchUpload) // completed or aborted meanwhile
		}
		return fail(err)
	}
	return objstore.Part{Number: n, ETag: hex.EncodeToString(digest), SHA256: digest, Size: got}, nil
}

// CompleteMultipart implements objstore.Store. The upload's lock (flock on
// upload.json) makes one caller the completer; it joins the parts into a
// temporary file, commits it as the object, then removes the upload. A crash
// before the removal leaves the upload intact for a retry.
func (s *Store) CompleteMultipart(ctx context.Context, key, uploadID string, parts []objstore.Part) (objstore.ObjectInfo, error) {
	fail := func(err error) (objstore.ObjectInfo, error) {
		return objstore.ObjectInfo{}, fmt.Errorf("complete multipart %s: %w", key, err)
	}
	u, err := s.readUpload(key, uploadID)
	if err != nil {
		return fail(err)
	}
	dir := s.uploadDir(uploadID)
	unlock, err := lock(filepath.Join(dir, "upload.json"), true)
	if err != nil {
		return fail(objstore.ErrNoSuchUpload)
	}
	defer unlock()
	if _, err := os.Stat(filepath.Join(dir, "upload.json")); err != nil {
		return fail(objstore.ErrNoSuchUpload) // another caller completed it
	}
	m, tmp, err := s.join(ctx, dir, parts)
	if err != nil {
		return fail(err)
	}
	defer func() { _ = os.Remove(tmp) }()
	m.StorageClass, m.Tags, m.Lock, m.SSEKMSKeyID = u.Options.StorageClass, u.Options.Tags, u.Options.Lock, u.Options.SSEKMSKeyID
	if err := s.commit(key, tmp, m); err != nil {
		return fail(err)
	}
	if err := os.RemoveAll(dir); err != nil {
		return fail(err)
	}
	return s.Stat(ctx, key)
}

// join concatenates the parts, in order, into a temporary file, checking
// each part's ETag and SHA-256, and returns the object's sidecar.
func (s *Store) join(ctx context.Context, dir string, parts []objstore.Part) (meta, string, error) {
	var m meta
	if len(parts) == 0 {
		return m, "", errors.New("no parts")
	}
	f, err := os.CreateTemp(s.tmpDir(), "complete-*")
	if err != nil {
		return m, "", err
	}
	ok := false
	defer func() {
		if !ok {
			_ = f.Close()
			_ = os.Remove(f.Name())
		}
	}()
	whole := sha256.New()
	digests := make([][]byte, 0, len(parts))
	for i, p := range parts {
		if i > 0 && p.Number <= parts[i-1].Number {
			return m, "", fmt.Errorf("part %d: numbers must ascend", p.Number)
		}
		digest, n, err := appendPart(ctx, f, whole, partPath(dir, p.Number))
		if err != nil {
			return m, "", fmt.Errorf("part %d: %w", p.Number, err)
		}
		if hex.EncodeToString(digest) != p.ETag || (p.SHA256 != nil && !bytes.Equal(p.SHA256, digest)) {
			return m, "", fmt.Errorf("part %d: %w", p.Number, objstore.ErrInvalidPart)
		}
		if i < len(parts)-1 && n < objstore.MinPartSize {
			return m, "", fmt.Errorf("part %d: %d bytes, less than %d: %w", p.Number, n, objstore.MinPartSize, objstore.ErrPartTooSmall)
		}
		digests = append(digests, digest)
		m.Size += n
	}
	if err := f.Sync(); err != nil {
		return m, "", err
	}
	if err := f.Close(); err != nil {
		return m, "", err
	}
	ok = true
	m.SHA256 = whole.Sum(nil)
	m.CompositeSHA256, m.Parts = objstore.CompositeSHA256(digests), len(parts)
	m.ETag = fmt.Sprintf("%x-%d", m.CompositeSHA256, len(parts))
	return m, f.Name(), nil
}

func appendPart(ctx context.Context, dst io.Writer, whole io.Writer, path string) ([]byte, int64, error) {
	src, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, 0, fmt.Errorf("not uploaded: %w", objstore.ErrInvalidPart)
	}
	if err != nil {
		return nil, 0, err
	}
	defer func() { _ = src.Close() }() // read side: a close error loses nothing
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(dst, whole, h), ctxReader{ctx, src})
	return h.Sum(nil), n, err
}

// AbortMultipart implements objstore.Store. It waits for a completion in
// progress, so it never removes parts from under it.
func (s *Store) AbortMultipart(ctx context.Context, key, uploadID string) error {
	if _, err := s.readUpload(key, uploadID); err != nil {
		if errors.Is(err, objstore.ErrNoSuchUpload) {
			return nil
		}
		return fmt.Errorf("abort multipart %s: %w", key, err)
	}
	dir := s.uploadDir(uploadID)
	if unlock, err := lock(filepath.Join(dir, "upload.json"), true); err == nil {
		defer unlock()
	}
	if err := os.RemoveAll(dir); err != nil {
		return fmt.Errorf("abort multipart %s: %w", key, err)
	}
	return nil
}
