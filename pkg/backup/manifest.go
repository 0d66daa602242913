package backup

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"time"

	"github.com/arcabackup/arca/pkg/seal"
)

// FormatVersion of the backup manifest and of the verification record:
// version 2 seals them with the keyring (docs/format.md §9); version 1 was
// plaintext and is refused.
const FormatVersion = 2

// Manifest is the commit record of one backup, stored as manifest.json
// beside the sealed artifact.
type Manifest struct {
	FormatVersion int    `json:"format_version"`
	ToolVersion   string `json:"tool_version"`
	BackupID      string `json:"backup_id"`
	// Artifact is the id the parts were sealed for (the associated data of
	// every part): the export attempt that committed the backup. Empty means
	// the backup id itself.
	Artifact    string    `json:"artifact,omitempty"`
	Kind        string    `json:"kind"` // tenant, full, base
	Tenant      string    `json:"tenant,omitempty"`
	Run         string    `json:"run,omitempty"`
	CreatedAt   time.Time `json:"created_at"`   // when the export started
	CommittedAt time.Time `json:"committed_at"` // when this manifest was written
	// Object is the sealed artifact: the concatenation of its sealed parts.
	Object Object `json:"object"`
	// Plain is the size and SHA-256 of the unsealed stream (the tar or
	// dump), checked after decryption.
	PlainSize   int64  `json:"plain_size"`
	PlainSHA256 string `json:"plain_sha256,omitempty"`
	// KeyIDs lists the key versions that sealed the parts.
	KeyIDs []string `json:"key_ids"`
	// Retention is the date until which the backup must be kept (Object
	// Lock, legal retention), and the class it was stored with.
	RetainUntil  time.Time `json:"retain_until,omitzero"`
	StorageClass string    `json:"storage_class,omitempty"`
	// Export holds the exporter's facts: for a tenant export, the archive
	// manifest (tables in restore order, row counts, file hashes, snapshot);
	// for other kinds, kind-specific facts (WAL positions, server version).
	Export json.RawMessage `json:"export,omitempty"`
}

// Object describes the artifact object.
type Object struct {
	Key    string `json:"key"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
	Parts  []Part `json:"parts"`
}

// Part is one sealed part of the object, in order.
type Part struct {
	Index     int    `json:"index"`
	Offset    int64  `json:"offset"`
	Size      int64  `json:"size"`
	SHA256    string `json:"sha256"`
	PlainSize int64  `json:"plain_size"`
	KeyID     string `json:"key_id"`
}

var hexSHA256 = regexp.MustCompile(`^[0-9a-f]{64}$`)

// Validate checks the manifest's consistency, reporting every problem.
func (m Manifest) Validate() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if m.FormatVersion != FormatVersion {
		bad("format_version %d not supported (this build reads %d)", m.FormatVersion, FormatVersion)
	}
	if !validBackupID(m.BackupID) {
		bad("backup_id %q is not a backup id", m.BackupID)
	}
	switch m.Kind {
	case "tenant":
		if m.Tenant == "" {
			bad("tenant is required for a tenant backup")
		}
	case "full", "base":
	default:
		bad("kind %q is not tenant, full or base", m.Kind)
	}
	if m.Object.Key == "" {
		bad("object.key is required")
	}
	if !hexSHA256.MatchString(m.Object.SHA256) {
		bad("object.sha256 is not a hex SHA-256")
	}
	var off int64
	for i, p := range m.Object.Parts {
		if p.Index != i || p.Offset != off || p.Size < 0 {
			bad("object.parts[%d]: index, offset or size out of sequence", i)
		}
		off += p.Size
	}
	if len(m.Object.Parts) == 0 {
		bad("object.parts is empty")
	} else if off != m.Object.Size {
		bad("object.parts add up to %d bytes, object.size says %d", off, m.Object.Size)
	}
	return errors.Join(errs...)
}

// SealedAs is the artifact id to open the object with: Artifact when set;
// else "base/<backup id>" for a base backup (pkg/wal/basebackup seals its
// parts so and leaves Artifact empty); else the backup id.
func (m Manifest) SealedAs() string {
	switch {
	case m.Artifact != "":
		return m.Artifact
	case m.Kind == "base":
		return "base/" + m.BackupID
	}
	return m.BackupID
}

// Ref is the backup the manifest describes.
func (m Manifest) Ref() Ref { return Ref{Kind: m.Kind, Tenant: m.Tenant, BackupID: m.BackupID} }

// SealManifest validates the manifest and seals it for its own key in the
// layout, under the primary key of the backup's scope. It returns the key
// and the document to write there.
func (l Layout) SealManifest(ctx context.Context, m Manifest, keys Keys) (string, []byte, error) {
	if err := m.Validate(); err != nil {
		return "", nil, fmt.Errorf("manifest %s: %w", m.BackupID, err)
	}
	body, err := json.Marshal(m)
	if err != nil {
		return "", nil, err
	}
	key := l.keyOf(m.Ref(), ManifestObject)
	doc, err := sealObject(ctx, objectManifest, key, m.Ref(), body, keys)
	return key, doc, err
}

// OpenManifest authenticates the manifest document read from key and
// returns it. It refuses, with a *MetadataError, a document that does not
// authenticate as the manifest at this key, one in the plaintext format 1,
// and one that describes another backup than the key names.
func (l Layout) OpenManifest(ctx context.Context, key string, doc []byte, keys seal.KeyLookup) (Manifest, error) {
	return openAs(ctx, l, objectManifest, ManifestObject, key, doc, keys, func(m Manifest, r Ref) error {
		if err := m.Validate(); err != nil {
			return err
		}
		if m.Ref() != r {
			return fmt.Errorf("it describes %s, the key says %s", m.Ref(), r)
		}
		return nil
	})
}
