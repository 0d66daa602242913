package coordinator

import (
	"context"

	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/objstore"
	"github.com/arcabackup/arca/services/coordinator/internal/catalog"
)

// RebuildCatalog (`arca catalog rebuild`) migrates the catalog in db and
// restores its backups from the manifests under layout's prefix in store,
// with the verification beside each. It returns how many backups it read.
// Runs, jobs and events come back from EVENTS as the coordinators replay it.
func RebuildCatalog(ctx context.Context, store objstore.Store, layout backup.Layout, db catalog.DB) (int, error) {
	if err := catalog.Migrate(ctx, db); err != nil {
		return 0, err
	}
	return catalog.New(db).Rebuild(ctx, store, layout)
}

// DropCatalog removes the catalog schema (`arca catalog rebuild --drop`).
func DropCatalog(ctx context.Context, db catalog.DB) error { return catalog.Drop(ctx, db) }

// MigrateCatalog creates or upgrades the catalog schema.
func MigrateCatalog(ctx context.Context, db catalog.DB) error { return catalog.Migrate(ctx, db) }
