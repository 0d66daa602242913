package backup

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/arcabackup/arca/pkg/seal"
)

// DecryptOptions name a sealed artifact copied out of the bucket, what it
// was sealed for, and where its plain stream goes.
type DecryptOptions struct {
	// In is the sealed artifact (data.arca); Out where the plain stream
	// is written.
	In, Out string
	// Artifact is the id the parts were sealed for; when empty, Manifest
	// (the backup's manifest.json, of Tenant for a tenant backup) is
	// authenticated as the manifest of its backup and says it.
	Artifact, Manifest, Tenant string
	Layout                     Layout
	Keys                       seal.KeyLookup
}

// OpenError is an artifact that could not be opened: its parts are not
// sealed parts, do not authenticate, or could not be read (seal.Open's
// error).
type OpenError struct {
	In  string
	Err error
}

func (e *OpenError) Error() string { return fmt.Sprintf("decrypt %s: %v", e.In, e.Err) }
func (e *OpenError) Unwrap() error { return e.Err }

// Decrypt opens the sealed artifact o.In into o.Out with the keyring
// alone and returns the plain bytes written. Out appears only if every
// part authenticates: the stream is written to a temporary file beside
// it and renamed at the end, so a tampered or truncated artifact leaves
// no output at all. A manifest of a tenant backup without Tenant is
// ErrTenantNeeded.
func Decrypt(ctx context.Context, o DecryptOptions) (int64, error) {
	artifact := o.Artifact
	if o.Manifest != "" {
		doc, err := os.ReadFile(o.Manifest)
		if err != nil {
			return 0, err
		}
		m, err := o.Layout.OpenCopied(ctx, o.Manifest, doc, o.Tenant, o.Keys)
		if err != nil {
			return 0, err
		}
		artifact = m.SealedAs()
	}
	src, err := os.Open(o.In)
	if err != nil {
		return 0, err
	}
	defer func() { _ = src.Close() }() // read side: a close error loses nothing
	tmp, err := os.CreateTemp(filepath.Dir(o.Out), ".arca-decrypt-*")
	if err != nil {
		return 0, err
	}
	defer func() { _ = os.Remove(tmp.Name()) }() // after the rename, not there
	n, err := seal.Open(ctx, tmp, src, artifact, o.Keys)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return 0, &OpenError{In: o.In, Err: err}
	}
	return n, os.Rename(tmp.Name(), o.Out)
}
