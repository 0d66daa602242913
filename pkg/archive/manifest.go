package archive

import (
	"errors"
	"fmt"
	"time"
)

// FormatVersion is the version of the archive layout and manifest this
// package writes. Readers refuse versions they do not know.
const FormatVersion = 1

// ManifestName is the name of the manifest entry, the archive's last.
const ManifestName = "manifest.json"

// KindTenant is the manifest kind of a tenant export.
const KindTenant = "tenant"

// Manifest describes one archive: what it holds, where it came from, and the
// facts a verifier checks.
type Manifest struct {
	FormatVersion int       `json:"format_version"`
	ToolVersion   string    `json:"tool_version"`
	Kind          string    `json:"kind"`
	Tenant        Tenant    `json:"tenant"`
	Source        Source    `json:"source"`
	Snapshot      Snapshot  `json:"snapshot"`
	CreatedAt     time.Time `json:"created_at"`
	// Files lists every file except the manifest, in archive order.
	Files []File `json:"files"`
	// Tables lists the exported tables in restore order (parents first).
	Tables []Table `json:"tables"`
}

// Tenant identifies the exported tenant.
type Tenant struct {
	ID string `json:"id"`
	// Schema is the tenant's own schema; empty for column-model tenants.
	Schema string `json:"schema,omitempty"`
}

// Source describes the database the export was read from.
type Source struct {
	Database      string `json:"database"`
	ServerVersion string `json:"server_version"`
	SystemID      string `json:"system_id,omitempty"`
	Replica       bool   `json:"replica"`
}

// Snapshot is the one consistent snapshot every file was read under.
type Snapshot struct {
	ID     string    `json:"id"`
	Time   time.Time `json:"time"`
	WALLSN string    `json:"wal_lsn"`
}

// File holds the verifiable facts of one logical file.
type File struct {
	Name   string `json:"name"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
	Chunks int    `json:"chunks"`
	// CSV marks a CSV file with a header row; Rows is then its number of data
	// rows.
	CSV  bool  `json:"csv,omitempty"`
	Rows int64 `json:"rows,omitempty"`
}

// Table describes one exported table.
type Table struct {
	Schema string `json:"schema"`
	Name   string `json:"name"`
	// Role is how the table's rows belong to the tenant (tenancy.Role).
	Role    string   `json:"role"`
	Columns []Column `json:"columns"`
	File    string   `json:"file"`
	Rows    int64    `json:"rows"`
	// Selection is the SQL predicate (over alias t) that chose the rows; it
	// reads the tenant id from current_setting('arca.tenant_id').
	Selection string `json:"selection,omitempty"`
	// Cycle is non-zero for tables in a foreign-key cycle; tables with the
	// same Cycle must be loaded with their foreign keys deferred.
	Cycle   int  `json:"cycle,omitempty"`
	SelfRef bool `json:"self_ref,omitempty"`
}

// Column is one exported column, in CSV order.
type Column struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

// File returns the manifest entry of the named file.
func (m Manifest) File(name string) (File, bool) {
	for _, f := range m.Files {
		if f.Name == name {
			return f, true
		}
	}
	return File{}, false
}

// Validate checks the manifest's internal consistency, reporting every
// problem at once.
func (m Manifest) Validate() error {
	var errs []error
	if m.FormatVersion != FormatVersion {
		errs = append(errs, fmt.Errorf("format version %d, want %d", m.FormatVersion, FormatVersion))
	}
	seen := make(map[string]bool, len(m.Files))
	for _, f := range m.Files {
		if f.Name == "" || f.Name == ManifestName || seen[f.Name] {
			errs = append(errs, fmt.Errorf("file name %q invalid or repeated", f.Name))
		}
		seen[f.Name] = true
		if f.Chunks < 1 || f.Size < 0 || f.Rows < 0 {
			errs = append(errs, fmt.Errorf("file %s: invalid size, chunks or rows", f.Name))
		}
	}
	for _, t := range m.Tables {
		f, ok := m.File(t.File)
		switch {
		case !ok:
			errs = append(errs, fmt.Errorf("table %s.%s: file %q not in manifest", t.Schema, t.Name, t.File))
		case !f.CSV || f.Rows != t.Rows:
			errs = append(errs, fmt.Errorf("table %s.%s: %d rows, file %s says %d", t.Schema, t.Name, t.Rows, f.Name, f.Rows))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("manifest: %w: %w", ErrCorrupt, err)
	}
	return nil
}
