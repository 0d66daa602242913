package fsstore

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"

	"github.com/arcabackup/arca/pkg/objstore"
)

var errChecksum = objstore.ErrChecksumMismatch

// meta is the sidecar of one object.
type meta struct {
	Size            int64             `json:"size"`
	ETag            string            `json:"etag"`
	SHA256          []byte            `json:"sha256"`
	CompositeSHA256 []byte            `json:"composite_sha256,omitempty"`
	Parts           int               `json:"parts,omitempty"`
	StorageClass    string            `json:"storage_class,omitempty"`
	Tags            map[string]string `json:"tags,omitempty"`
	Lock            objstore.Lock     `json:"lock"`
	SSEKMSKeyID     string            `json:"sse_kms_key_id,omitempty"`
}

func newMeta(o objstore.Options) meta {
	return meta{StorageClass: o.StorageClass, Tags: o.Tags, Lock: o.Lock, SSEKMSKeyID: o.SSEKMSKeyID}
}

// readMeta returns the sidecar, or a zero meta when there is none.
func (s *Store) readMeta(key string) (meta, error) {
	var m meta
	b, err := os.ReadFile(s.metaPath(key))
	if errors.Is(err, fs.ErrNotExist) {
		return m, nil
	}
	if err != nil {
		return m, err
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return m, fmt.Errorf("metadata of %s: %w", key, err)
	}
	return m, nil
}

func (m meta) info(key string, fi fs.FileInfo) objstore.ObjectInfo {
	info := objstore.ObjectInfo{
		Key: key, Size: fi.Size(), LastModified: fi.ModTime().UTC(),
		StorageClass: m.StorageClass, Tags: m.Tags, Lock: m.Lock,
	}
	if m.Size == fi.Size() && m.ETag != "" { // a sidecar that matches the data
		info.ETag, info.SHA256 = m.ETag, m.SHA256
		info.CompositeSHA256, info.Parts = m.CompositeSHA256, m.Parts
	}
	return info
}

// checkUnlocked refuses to replace or delete an object under retention.
func (s *Store) checkUnlocked(key string) error {
	m, err := s.readMeta(key)
	if err != nil {
		return err
	}
	if _, err := os.Stat(s.dataPath(key)); err != nil {
		return nil // no object: nothing to protect
	}
	if m.Lock.Active(time.Now()) {
		return &objstore.LockedError{Key: key, Lock: m.Lock}
	}
	return nil
}
