package fsstore

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Delete implements objstore.Store.
func (s *Store) Delete(ctx context.Context, key string) error {
	if err := s.checkKey(key); err != nil {
		return fmt.Errorf("delete %s: %w", key, err)
	}
	unlock, err := lock(s.lockPath(), true)
	if err != nil {
		return fmt.Errorf("delete %s: %w", key, err)
	}
	defer unlock()
	if err := s.checkUnlocked(key); err != nil {
		return fmt.Errorf("delete %s: %w", key, err)
	}
	fi, err := os.Stat(s.dataPath(key))
	if err == nil && fi.IsDir() {
		return nil // a prefix, not an object
	}
	for _, p := range []string{s.dataPath(key), s.metaPath(key)} {
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) && !errors.Is(err, errNotDir) {
			return fmt.Errorf("delete %s: %w", key, err)
		}
		s.pruneDirs(filepath.Dir(p))
	}
	return nil
}

// pruneDirs removes the now empty directories above a deleted object, so
// that deleted prefixes leave nothing behind.
func (s *Store) pruneDirs(dir string) {
	stops := map[string]bool{s.root: true, filepath.Join(s.root, metaDir, "meta"): true}
	for !stops[dir] && len(dir) > len(s.root) {
		if os.Remove(dir) != nil {
			return
		}
		dir = filepath.Dir(dir)
	}
}
