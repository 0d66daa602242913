package fsstore

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"iter"
	"os"
	"slices"
	"strings"

	"github.com/arcabackup/arca/pkg/objstore"
)

// ListMultipartUploads implements objstore.Store.
func (s *Store) ListMultipartUploads(ctx context.Context, prefix string) iter.Seq2[objstore.Upload, error] {
	return func(yield func(objstore.Upload, error) bool) {
		entries, err := os.ReadDir(s.uploadsDir())
		if err != nil {
			yield(objstore.Upload{}, fmt.Errorf("list multipart uploads %s: %w", prefix, err))
			return
		}
		var ups []objstore.Upload
		for _, e := range entries {
			if err := ctx.Err(); err != nil {
				yield(objstore.Upload{}, err)
				return
			}
			u, err := s.loadUpload(e.Name())
			if errors.Is(err, objstore.ErrNoSuchUpload) {
				continue // completed or aborted meanwhile
			}
			if err != nil {
				yield(objstore.Upload{}, fmt.Errorf("list multipart uploads %s: %w", prefix, err))
				return
			}
			if strings.HasPrefix(u.Key, prefix) {
				ups = append(ups, objstore.Upload{Key: u.Key, UploadID: e.Name(), Initiated: u.Initiated})
			}
		}
		slices.SortFunc(ups, func(a, b objstore.Upload) int {
			return cmp.Or(cmp.Compare(a.Key, b.Key), a.Initiated.Compare(b.Initiated))
		})
		for _, u := range ups {
			if !yield(u, nil) {
				return
			}
		}
	}
}
