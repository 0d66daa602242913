package service

import (
	"context"
	"math"

	"github.com/arcabackup/arca/services/coordinator/internal/catalog"
)

// CatalogBackups lists every backup and job the catalog in db holds, newest
// first, without a coordinator or NATS (`arca cost`). The catalog is not
// told of prunes: a pruned backup is still listed.
func CatalogBackups(ctx context.Context, db catalog.DB) ([]Backup, error) {
	return catalog.New(db).Backups(ctx, "", math.MaxInt32)
}
