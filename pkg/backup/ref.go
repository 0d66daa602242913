package backup

import (
	"fmt"
	"net/url"
	"strings"
)

// Ref names the backup a metadata object is about: what its key says and
// what its sealed body must repeat.
type Ref struct {
	Kind     string // tenant, full, base
	Tenant   string // tenant backups only
	BackupID string
}

func (r Ref) String() string {
	if r.Kind == "tenant" {
		return fmt.Sprintf("tenant %s backup %s", r.Tenant, r.BackupID)
	}
	return fmt.Sprintf("%s backup %s", r.Kind, r.BackupID)
}

// Ref reads the backup a manifest or verification key belongs to from the
// key alone: <prefix>/tenants/<tenant>/<id>/<object> or
// <prefix>/<full|base>/<id>/<object>.
func (l Layout) Ref(key string) (Ref, error) {
	rel := key
	if p := strings.TrimSuffix(l.Prefix, "/"); p != "" {
		var ok bool
		if rel, ok = strings.CutPrefix(key, p+"/"); !ok {
			return Ref{}, fmt.Errorf("key %s is not under the prefix %s", key, p)
		}
	}
	segs := strings.Split(rel, "/")
	var r Ref
	switch {
	case len(segs) == 4 && segs[0] == "tenants":
		tenant, err := tenantFromSegment(segs[1])
		if err != nil {
			return Ref{}, fmt.Errorf("key %s: %w", key, err)
		}
		r = Ref{Kind: "tenant", Tenant: tenant, BackupID: segs[2]}
	case len(segs) == 3 && (segs[0] == "full" || segs[0] == "base"):
		r = Ref{Kind: segs[0], BackupID: segs[1]}
	default:
		return Ref{}, fmt.Errorf("key %s is not a backup's object", key)
	}
	if !validBackupID(r.BackupID) {
		return Ref{}, fmt.Errorf("key %s: %q is not a backup id", key, r.BackupID)
	}
	return r, nil
}

// tenantFromSegment inverts TenantSegment.
func tenantFromSegment(seg string) (string, error) {
	var t string
	switch seg {
	case "%": // TenantSegment("")
	case "%2E":
		t = "."
	case "%2E2E":
		t = ".."
	default:
		var err error
		if t, err = url.PathUnescape(seg); err != nil {
			return "", fmt.Errorf("tenant segment %q: %w", seg, err)
		}
	}
	if TenantSegment(t) != seg {
		return "", fmt.Errorf("tenant segment %q is not in canonical form", seg)
	}
	return t, nil
}

// validBackupID accepts what can be one key segment and one line of the
// associated data: no slash, no control character, not "." or "..".
func validBackupID(id string) bool {
	if id == "" || id == "." || id == ".." || len(id) > 255 {
		return false
	}
	for _, c := range id {
		if c == '/' || c < 0x20 || c == 0x7f {
			return false
		}
	}
	return true
}

// keyOf is the key of a metadata object (name: manifest.json or
// verified.json) of a backup.
func (l Layout) keyOf(r Ref, name string) string {
	return l.Dir(r.Kind, r.Tenant, r.BackupID) + "/" + name
}
