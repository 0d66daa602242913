package service

import (
	"context"

	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/services/coordinator/internal/catalog"
)

// Rebuilt is what a catalog rebuild read.
type Rebuilt struct {
	Backups int // manifests read into the catalog
	// Refused are the manifests and verifications that were skipped, each
	// an error naming its key (a *backup.MetadataError when refused).
	Refused []error
}

// RebuildCatalog (`arca catalog rebuild`) migrates the catalog in db and
// restores its backups from the authenticated manifests in the repository,
// with the verification beside each. A refused manifest is skipped and
// reported; the others are read. Runs, jobs and events come back from
// EVENTS as the coordinators replay it.
func RebuildCatalog(ctx context.Context, repo backup.Repository, db catalog.DB) (Rebuilt, error) {
	if err := catalog.Migrate(ctx, db); err != nil {
		return Rebuilt{}, err
	}
	n, refused, err := catalog.New(db).Rebuild(ctx, repo)
	return Rebuilt{Backups: n, Refused: refused}, err
}

// DropCatalog removes the catalog schema (`arca catalog rebuild --drop`).
func DropCatalog(ctx context.Context, db catalog.DB) error { return catalog.Drop(ctx, db) }

// MigrateCatalog creates or upgrades the catalog schema.
func MigrateCatalog(ctx context.Context, db catalog.DB) error { return catalog.Migrate(ctx, db) }
