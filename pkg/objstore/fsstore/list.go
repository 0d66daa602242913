package fsstore

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"iter"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/arcabackup/arca/pkg/objstore"
)

// List implements objstore.Store. It walks only the directory the prefix
// names, then yields in key order.
func (s *Store) List(ctx context.Context, prefix string) iter.Seq2[objstore.ObjectInfo, error] {
	return func(yield func(objstore.ObjectInfo, error) bool) {
		keys, err := s.keys(ctx, prefix)
		if err != nil {
			yield(objstore.ObjectInfo{}, fmt.Errorf("list %s: %w", prefix, err))
			return
		}
		for _, key := range keys {
			info, err := s.Stat(ctx, key)
			if errors.Is(err, objstore.ErrNotFound) {
				continue // deleted while listing
			}
			if !yield(objstore.ObjectInfo{
				Key: info.Key, Size: info.Size, ETag: info.ETag,
				LastModified: info.LastModified, StorageClass: info.StorageClass,
			}, err) || err != nil {
				return
			}
		}
	}
}

func (s *Store) keys(ctx context.Context, prefix string) ([]string, error) {
	start := s.root
	if i := strings.LastIndex(prefix, "/"); i > 0 {
		start = filepath.Join(s.root, filepath.FromSlash(path.Clean(prefix[:i])))
	}
	var keys []string
	err := filepath.WalkDir(start, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		rel, _ := filepath.Rel(s.root, p)
		key := filepath.ToSlash(rel)
		if d.IsDir() {
			if key == metaDir {
				return filepath.SkipDir
			}
			return nil
		}
		if strings.HasPrefix(key, prefix) && d.Type().IsRegular() {
			keys = append(keys, key)
		}
		return nil
	})
	slices.Sort(keys)
	return keys, err
}
