package fsstore

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/arcabackup/arca/pkg/objstore"
)

const metaDir = ".arca"

// Store is an objstore.Store on a directory.
type Store struct {
	root string
}

var _ objstore.Store = (*Store)(nil)

// New opens (creating if needed) a store in dir.
func New(dir string) (*Store, error) {
	root, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", dir, err)
	}
	for _, d := range []string{"meta", "uploads", "tmp"} {
		if err := os.MkdirAll(filepath.Join(root, metaDir, d), 0o755); err != nil {
			return nil, fmt.Errorf("open store %s: %w", dir, err)
		}
	}
	return &Store{root: root}, nil
}

// Dir is the store's directory; another New(Dir()) opens the same store.
func (s *Store) Dir() string { return s.root }

func (s *Store) checkKey(key string) error {
	if err := objstore.ValidateKey(key); err != nil {
		return err
	}
	if key == metaDir || strings.HasPrefix(key, metaDir+"/") {
		return fmt.Errorf("key %q: %s/ is reserved", key, metaDir)
	}
	return nil
}

func (s *Store) dataPath(key string) string { return filepath.Join(s.root, filepath.FromSlash(key)) }
func (s *Store) metaPath(key string) string {
	return filepath.Join(s.root, metaDir, "meta", filepath.FromSlash(key)+".json")
}
func (s *Store) tmpDir() string             { return filepath.Join(s.root, metaDir, "tmp") }
func (s *Store) uploadDir(id string) string { return filepath.Join(s.root, metaDir, "uploads", id) }
func (s *Store) uploadsDir() string         { return filepath.Join(s.root, metaDir, "uploads") }
func (s *Store) lockPath() string           { return filepath.Join(s.root, metaDir, "lock") }
func partPath(dir string, n int) string     { return filepath.Join(dir, fmt.Sprintf("%05d.part", n)) }
