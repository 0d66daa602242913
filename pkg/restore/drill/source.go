package drill

import (
	"context"
	"io"

	"github.com/arcabackup/arca/pkg/backup"
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
