package stack

import (
	"context"
	"slices"
	"strings"

	"github.com/arcabackup/arca/cmd/arca/internal/config"
	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/tenancy"
)

// BackupIDs are the ids of the backups under folder ("": every kind)
// that begin with prefix, newest first, from the keys alone: shell
// completion must be quick, so nothing is read or authenticated and no
// keyring loaded. Nil when the bucket cannot be listed.
func BackupIDs(ctx context.Context, cfg config.Config, prefix, folder string) []string {
	store, err := Store(ctx, cfg)
	if err != nil {
		return nil
	}
	var folders []string
	if folder != "" {
		folders = []string{folder}
	}
	return backup.Repository{Store: store, Layout: Layout(cfg)}.BackupIDs(ctx, prefix, folders...)
}

// TenantIDs are the tenants that begin with prefix, sorted: the source's,
// or when it cannot be read those with backups in the bucket (from the
// keys alone, as BackupIDs).
func TenantIDs(ctx context.Context, cfg config.Config, prefix string) []string {
	ts, err := tenancy.TenantIDs(ctx, cfg.Source.URL, Tenancy(cfg))
	if err != nil {
		ts = nil
		if store, err := Store(ctx, cfg); err == nil {
			ts = backup.Repository{Store: store, Layout: Layout(cfg)}.TenantsWithBackups(ctx)
		}
	}
	var out []string
	for _, t := range ts {
		if strings.HasPrefix(t, prefix) {
			out = append(out, t)
		}
	}
	slices.Sort(out)
	return out
}
