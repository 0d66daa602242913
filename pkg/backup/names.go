package backup

import (
	"context"
	"slices"
	"strings"
)

// BackupIDs are the ids of the backups under the folders (tenants, full,
// base; none: every folder) that start with prefix, newest first. It lists
// manifest keys and reads none (shell completion must be quick); a listing
// that fails gives what it found.
func (r Repository) BackupIDs(ctx context.Context, prefix string, folders ...string) []string {
	var ids []string
	for _, k := range r.keysIn(ctx, folders) {
		if ref, err := r.Layout.Ref(k); err == nil && strings.HasPrefix(ref.BackupID, prefix) && !slices.Contains(ids, ref.BackupID) {
			ids = append(ids, ref.BackupID)
		}
	}
	slices.Sort(ids)
	slices.Reverse(ids)
	return ids
}

// TenantsWithBackups are the tenants that have tenant exports in the
// bucket, sorted, read from the keys alone as BackupIDs.
func (r Repository) TenantsWithBackups(ctx context.Context) []string {
	var ts []string
	for _, k := range r.keysIn(ctx, []string{"tenants"}) {
		if ref, err := r.Layout.Ref(k); err == nil && !slices.Contains(ts, ref.Tenant) {
			ts = append(ts, ref.Tenant)
		}
	}
	slices.Sort(ts)
	return ts
}

func (r Repository) keysIn(ctx context.Context, folders []string) []string {
	if len(folders) == 0 {
		folders = []string{"tenants", "full", "base"}
	}
	prefixes := make([]string, len(folders))
	for i, f := range folders {
		prefixes[i] = r.Layout.KindPrefix(f)
	}
	keys, _ := r.ManifestKeys(ctx, prefixes...) // completion: what was found
	return keys
}
