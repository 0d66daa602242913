package backup

import (
	"context"
	"errors"
	"fmt"

	"github.com/arcabackup/arca/pkg/seal"
)

// ErrTenantNeeded is returned by OpenCopied for the manifest of a tenant
// backup when no tenant is named: the key it is bound to holds the tenant.
var ErrTenantNeeded = errors.New("the manifest of a tenant backup: name its tenant")

// OpenCopied authenticates a manifest copied out of the bucket (name is
// where it was read from, for errors) as the manifest of the backup it
// claims to be (of tenant, for a tenant backup), at the key that backup's
// manifest has in the layout.
func (l Layout) OpenCopied(ctx context.Context, name string, doc []byte, tenant string, keys seal.KeyLookup) (Manifest, error) {
	kind, id, err := Claimed(doc)
	if err != nil {
		return Manifest{}, &MetadataError{Key: name, Err: err}
	}
	if kind == "tenant" && tenant == "" {
		return Manifest{}, fmt.Errorf("%s: %w", name, ErrTenantNeeded)
	}
	if kind != "tenant" {
		tenant = ""
	}
	m, err := l.OpenManifest(ctx, l.Manifest(kind, tenant, id), doc, keys)
	if err != nil {
		return Manifest{}, fmt.Errorf("%s: %w", name, err)
	}
	return m, nil
}
