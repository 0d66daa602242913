package verify

import (
	"encoding/json"
	"fmt"

	"github.com/arcabackup/arca/pkg/archive"
	"github.com/arcabackup/arca/pkg/backup"
)

// TenantArchive returns the archive manifest a tenant backup's manifest
// carries in its export field, validated. A restore and a verification both
// need it up front, so that every file is checked the moment it ends.
func TenantArchive(m backup.Manifest) (archive.Manifest, error) {
	fail := func(err error) (archive.Manifest, error) {
		return archive.Manifest{}, &Failure{BackupID: m.BackupID, Stage: StageManifest, Part: -1, Err: err}
	}
	if err := m.Validate(); err != nil {
		return fail(err)
	}
	if m.Kind != "tenant" {
		return fail(fmt.Errorf("kind %q is not a tenant backup", m.Kind))
	}
	if len(m.Export) == 0 {
		return fail(fmt.Errorf("no export manifest"))
	}
	var am archive.Manifest
	if err := json.Unmarshal(m.Export, &am); err != nil {
		return fail(fmt.Errorf("decode export manifest: %w", err))
	}
	if err := am.Validate(); err != nil {
		return fail(err)
	}
	if am.Tenant.ID != m.Tenant {
		return fail(fmt.Errorf("export is of tenant %q, manifest says %q", am.Tenant.ID, m.Tenant))
	}
	return am, nil
}
