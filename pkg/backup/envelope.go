package backup

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"

	"github.com/arcabackup/arca/pkg/seal"
)

// What a metadata object is: the "arca" field of its envelope.
const (
	objectManifest     = "manifest"
	objectVerification = "verification"
)

// aadLabel starts the artifact id a metadata body is sealed for.
const aadLabel = "arca/meta/v2"

// maxMetadataSize bounds a metadata object read from the bucket.
const maxMetadataSize = 64 << 20

// envelope is what a metadata object (manifest.json, verified.json) holds
// in the bucket. Only these fields are in clear; none of them is trusted
// before the body authenticates, and the body repeats and binds them.
type envelope struct {
	Arca          string `json:"arca"`
	FormatVersion int    `json:"format_version"`
	Kind          string `json:"kind"`
	BackupID      string `json:"backup_id"`
	Sealed        []byte `json:"sealed"` // one sealed part, base64 in JSON
}

var (
	// ErrNotAuthentic: the body did not authenticate for this key and
	// backup (tampered, moved, swapped, or sealed under another key).
	ErrNotAuthentic = errors.New("does not authenticate")
	// ErrMismatch: the object describes another backup than its key.
	ErrMismatch = errors.New("describes another backup")
	// ErrOldFormat: a format this build refuses to read.
	ErrOldFormat = errors.New("unsupported format")
)

// MetadataError refuses a metadata object: it names the key and wraps one
// of ErrNotAuthentic, ErrMismatch or ErrOldFormat (with a *seal.AuthError
// or *seal.UnknownKeyError when opening failed). Nothing it describes may
// be used.
type MetadataError struct {
	Key string
	Err error
}

func (e *MetadataError) Error() string { return fmt.Sprintf("refuse %s: %v", e.Key, e.Err) }
func (e *MetadataError) Unwrap() error { return e.Err }

// sealedAs is the artifact id (associated data) a metadata body is sealed
// for: the label, what the object is, its full key, and the backup's kind,
// id and tenant, one per line. No field but the last can hold a newline
// (keys escape tenant ids, backup ids have no control characters), so the
// encoding is unambiguous.
func sealedAs(object, key string, r Ref) string {
	return strings.Join([]string{aadLabel, object, key, r.Kind, r.BackupID, r.Tenant}, "\n")
}

// sealObject seals body as the metadata object at key about backup r,
// under the primary key of the backup's scope: the tenant's own for a
// tenant backup (so erasing the tenant's keys erases its metadata too),
// the default for the others.
func sealObject(ctx context.Context, object, key string, r Ref, body []byte, keys Keys) ([]byte, error) {
	artifact := sealedAs(object, key, r)
	if len(artifact) > seal.MaxArtifactIDLen {
		return nil, fmt.Errorf("seal %s: key and tenant id too long (%d bytes of associated data, at most %d)", key, len(artifact), seal.MaxArtifactIDLen)
	}
	kek, err := keys.Primary(r.Tenant)
	if err != nil {
		return nil, fmt.Errorf("seal %s: %w", key, err)
	}
	var sealed bytes.Buffer
	if _, err := seal.Seal(ctx, &sealed, bytes.NewReader(body), seal.Part{Artifact: artifact, Index: 0, Last: true}, kek); err != nil {
		return nil, fmt.Errorf("seal %s: %w", key, err)
	}
	return json.MarshalIndent(envelope{
		Arca: object, FormatVersion: FormatVersion, Kind: r.Kind, BackupID: r.BackupID, Sealed: sealed.Bytes(),
	}, "", "  ")
}

// openObject authenticates the metadata object read from key, which must
// be about backup r, and returns its body.
func openObject(ctx context.Context, object, key string, r Ref, doc []byte, keys seal.KeyLookup) ([]byte, error) {
	refuse := func(err error) ([]byte, error) { return nil, &MetadataError{Key: key, Err: err} }
	var e envelope
	if err := json.Unmarshal(doc, &e); err != nil {
		return refuse(fmt.Errorf("%w: not a JSON %s envelope: %v", ErrNotAuthentic, object, err))
	}
	switch {
	case e.FormatVersion == 1 || (e.FormatVersion == 0 && e.Arca == ""):
		return refuse(fmt.Errorf("%w: format version 1 (plaintext, not authenticated) is no longer read; "+
			"only format %d %ss, sealed with the keyring, are trusted", ErrOldFormat, FormatVersion, object))
	case e.FormatVersion != FormatVersion:
		return refuse(fmt.Errorf("%w: format version %d (this build reads %d)", ErrOldFormat, e.FormatVersion, FormatVersion))
	case e.Arca != object:
		return refuse(fmt.Errorf("%w: it is a %q, not a %s", ErrMismatch, e.Arca, object))
	case e.Kind != r.Kind || e.BackupID != r.BackupID:
		return refuse(fmt.Errorf("%w: it names %s backup %s, the key says %s (moved or swapped?)", ErrMismatch, e.Kind, e.BackupID, r))
	case len(e.Sealed) == 0:
		return refuse(fmt.Errorf("%w: no sealed body", ErrNotAuthentic))
	}
	var body bytes.Buffer
	if _, err := seal.Open(ctx, &limitWriter{w: &body, n: maxMetadataSize}, bytes.NewReader(e.Sealed), sealedAs(object, key, r), keys); err != nil {
		// The seal error repeats the long associated data; keep its cause.
		// Only an authentication failure refuses the object: a key that
		// could not be looked up (a KMS out of reach, a keyring not
		// current) or an ended context says nothing of it.
		var ae *seal.AuthError
		if !errors.As(err, &ae) {
			return nil, fmt.Errorf("open %s: %w", key, err)
		}
		return refuse(fmt.Errorf("%w as the %s of %s: %w", ErrNotAuthentic, object, r, ae.Err))
	}
	return body.Bytes(), nil
}

// openAs authenticates the metadata object read from key, whose last
// element must be name (ManifestObject, VerificationObject), decodes its
// body and has check compare it with the backup the key names. Every
// refusal is a *MetadataError; check's wraps ErrMismatch.
func openAs[T any](ctx context.Context, l Layout, object, name, key string, doc []byte, keys seal.KeyLookup, check func(T, Ref) error) (T, error) {
	var zero T
	refuse := func(err error) (T, error) { return zero, &MetadataError{Key: key, Err: err} }
	if path.Base(key) != name {
		return refuse(fmt.Errorf("%w: not a %s key", ErrMismatch, object))
	}
	r, err := l.Ref(key)
	if err != nil {
		return refuse(fmt.Errorf("%w: %w", ErrMismatch, err))
	}
	body, err := openObject(ctx, object, key, r, doc, keys)
	if err != nil {
		return zero, err
	}
	var v T
	if err := json.Unmarshal(body, &v); err != nil {
		return refuse(fmt.Errorf("%w: sealed body: %v", ErrMismatch, err))
	}
	if err := check(v, r); err != nil {
		return refuse(fmt.Errorf("%w: %w", ErrMismatch, err))
	}
	return v, nil
}

// limitWriter fails once more than n bytes were written.
type limitWriter struct {
	w io.Writer
	n int64
}

func (l *limitWriter) Write(p []byte) (int, error) {
	if int64(len(p)) > l.n {
		return 0, fmt.Errorf("body larger than %d bytes", maxMetadataSize)
	}
	l.n -= int64(len(p))
	return l.w.Write(p)
}

// Claimed reads what a manifest document says in clear about itself, its
// kind and backup id, without authenticating anything: enough to compute
// the key it must have been sealed for (with the tenant, for a tenant
// backup) when it was copied out of the bucket. Open it with
// Layout.OpenManifest at that key before using it.
func Claimed(doc []byte) (kind, backupID string, err error) {
	var e envelope
	if err := json.Unmarshal(doc, &e); err != nil {
		return "", "", fmt.Errorf("%w: not a JSON manifest envelope: %v", ErrNotAuthentic, err)
	}
	if e.FormatVersion != FormatVersion || e.Arca != objectManifest {
		return "", "", fmt.Errorf("%w: not a format %d manifest", ErrOldFormat, FormatVersion)
	}
	return e.Kind, e.BackupID, nil
}

// ParseFormat1 reads a plaintext manifest of format 1, for `arca manifests
// upgrade` only. Nothing in it is authenticated: the caller must check it
// against its key and prove the backup against its sealed data before
// sealing it in the current format. The result says FormatVersion 2.
func ParseFormat1(doc []byte) (Manifest, error) {
	var m Manifest
	if err := json.Unmarshal(doc, &m); err != nil {
		return Manifest{}, fmt.Errorf("parse format 1 manifest: %w", err)
	}
	if m.FormatVersion != 1 {
		return Manifest{}, fmt.Errorf("%w: format version %d is not 1", ErrOldFormat, m.FormatVersion)
	}
	m.FormatVersion = FormatVersion
	if err := m.Validate(); err != nil {
		return Manifest{}, fmt.Errorf("format 1 manifest %s: %w", m.BackupID, err)
	}
	return m, nil
}
