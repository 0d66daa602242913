package drill

import (
	"context"
	"io"

	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/objstore"
)

// Source lists and opens committed backups; the lead wires it to the object
// store. Both methods must be safe for concurrent use.
type Source interface {
	// Latest returns the manifest of the tenant's newest committed backup.
	Latest(ctx context.Context, tenant string) (backup.Manifest, error)
	// Open reads the backup's sealed object from the bucket (never from
	// staging).
	Open(ctx context.Context, m backup.Manifest) (io.ReadCloser, error)
}

// Bucket is the Source of a bucket: a tenant's newest backup as the
// repository selects it (refusing to choose past a refused manifest).
type Bucket struct{ Repo backup.Repository }

func (b Bucket) Latest(ctx context.Context, tenant string) (backup.Manifest, error) {
	e, err := b.Repo.Select(ctx, backup.Selector{Tenant: tenant, Latest: true})
	return e.Manifest, err
}

func (b Bucket) Open(ctx context.Context, m backup.Manifest) (io.ReadCloser, error) {
	return b.Repo.Store.Get(ctx, m.Object.Key, objstore.Range{})
}
