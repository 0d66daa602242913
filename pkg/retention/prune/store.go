package prune

import (
	"context"
	"io"
	"iter"

	"github.com/arcabackup/arca/pkg/objstore"
)

// Store is what pruning needs of an objstore.Store; see there for the
// contracts.
type Store interface {
	List(ctx context.Context, prefix string) iter.Seq2[objstore.ObjectInfo, error]
	Get(ctx context.Context, key string, rng objstore.Range) (io.ReadCloser, error)
	Stat(ctx context.Context, key string) (objstore.ObjectInfo, error)
	Delete(ctx context.Context, key string) error
	ListMultipartUploads(ctx context.Context, prefix string) iter.Seq2[objstore.Upload, error]
	AbortMultipart(ctx context.Context, key, uploadID string) error
}
