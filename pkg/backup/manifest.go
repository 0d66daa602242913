package backup

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"time"
)

// FormatVersion of the backup manifest.
const FormatVersion = 1

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
	if m.FormatVersion < 1 || m.FormatVersion > FormatVersion {
		bad("format_version %d not supported (this build reads up to %d)", m.FormatVersion, FormatVersion)
	}
	if m.BackupID == "" {
		bad("backup_id is required")
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

// SealedAs is the artifact id to open the object with.
func (m Manifest) SealedAs() string {
	if m.Artifact != "" {
		return m.Artifact
	}
	return m.BackupID
}

// Marshal renders the manifest as indented JSON, after validating it.
func (m Manifest) Marshal() ([]byte, error) {
	if err := m.Validate(); err != nil {
		return nil, fmt.Errorf("manifest %s: %w", m.BackupID, err)
	}
	return json.MarshalIndent(m, "", "  ")
}

// Parse reads and validates a manifest.
func Parse(data []byte) (Manifest, error) {
	var m Manifest
	if err := json.Unmarshal(data, &m); err != nil {
		return m, fmt.Errorf("parse manifest: %w", err)
	}
	if err := m.Validate(); err != nil {
		return m, fmt.Errorf("manifest %s: %w", m.BackupID, err)
	}
	return m, nil
}
