package wal_test

import (
	"crypto/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/objstore/fsstore"
	"github.com/arcabackup/arca/pkg/seal/keyring/keyringtest"
	"github.com/arcabackup/arca/pkg/wal"
)

// bundle is what a test needs: an archive in a filesystem store, and a
// directory standing in for pg_wal.
type bundle struct {
	cfg   wal.Config
	store *fsstore.Store
	pgwal string
}

func setup(t *testing.T) bundle {
	t.Helper()
	store, err := fsstore.New(t.TempDir())
	require.NoError(t, err)
	keys := keyringtest.New(t)
	return bundle{
		cfg:   wal.Config{Store: store, Layout: backup.Layout{Prefix: "prod"}, Keys: keys, SegmentSize: 1 << 20},
		store: store,
		pgwal: t.TempDir(),
	}
}

// segment writes a WAL file of random content into pg_wal and returns its path.
func (b bundle) segment(t *testing.T, name string, size int) (string, []byte) {
	t.Helper()
	data := make([]byte, size)
	_, _ = rand.Read(data[:size/2]) // half random, half zeros: compressible like WAL
	if strings.HasSuffix(name, ".history") {
		// A failover from timeline 1 beyond anything a test archives.
		data = []byte("1\tFF/0\tno recovery target specified\n")
	}
	p := filepath.Join(b.pgwal, name)
	require.NoError(t, os.WriteFile(p, data, 0o600))
	return p, data
}

func readFile(p string) ([]byte, error) { return os.ReadFile(p) }
