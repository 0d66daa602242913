package backup

import (
	"fmt"
	"net/url"
	"path"
	"strings"
)

// Layout maps backups to object keys under a prefix:
//
//	<prefix>/tenants/<tenant>/<backup-id>/data.arca
//	<prefix>/tenants/<tenant>/<backup-id>/manifest.json
//	<prefix>/full/<backup-id>/{data.arca,manifest.json}
//	<prefix>/base/<backup-id>/{data.arca,manifest.json}
//	<prefix>/wal/<timeline>/<segment>
//
// Tenant ids are path-escaped, so an id holding "/" or ".." cannot escape
// its folder.
type Layout struct{ Prefix string }

const (
	DataObject     = "data.arca"
	ManifestObject = "manifest.json"
)

func (l Layout) join(parts ...string) string {
	p := path.Join(parts...)
	if l.Prefix == "" {
		return p
	}
	return strings.TrimSuffix(l.Prefix, "/") + "/" + p
}

// TenantSegment is the escaped form of a tenant id used in keys.
func TenantSegment(tenant string) string {
	s := url.PathEscape(tenant)
	switch s {
	case "", ".", "..":
		// PathEscape leaves dots alone; these would collapse the path.
		return "%" + fmt.Sprintf("%X", tenant)
	}
	return s
}

// Dir is the folder of one backup.
func (l Layout) Dir(kind, tenant, backupID string) string {
	switch kind {
	case "tenant":
		return l.join("tenants", TenantSegment(tenant), backupID)
	default:
		return l.join(kind, backupID)
	}
}

// Data is the key of a backup's sealed artifact.
func (l Layout) Data(kind, tenant, backupID string) string {
	return l.Dir(kind, tenant, backupID) + "/" + DataObject
}

// Manifest is the key of a backup's manifest.
func (l Layout) Manifest(kind, tenant, backupID string) string {
	return l.Dir(kind, tenant, backupID) + "/" + ManifestObject
}

// TenantPrefix lists every backup of one tenant.
func (l Layout) TenantPrefix(tenant string) string {
	return l.join("tenants", TenantSegment(tenant)) + "/"
}

// KindPrefix lists every backup of one kind ("tenants", "full", "base").
func (l Layout) KindPrefix(folder string) string { return l.join(folder) + "/" }

// WAL is the key of an archived WAL file (segment, .history or .backup).
func (l Layout) WAL(timeline, name string) string { return l.join("wal", timeline, name) }

// IsManifest reports whether key names a manifest.
func IsManifest(key string) bool { return path.Base(key) == ManifestObject }
