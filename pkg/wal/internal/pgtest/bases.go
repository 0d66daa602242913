package pgtest

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/objstore/fsstore"
	"github.com/arcabackup/arca/pkg/seal/keyring"
	"github.com/arcabackup/arca/pkg/seal/keyring/keyringtest"
	"github.com/arcabackup/arca/pkg/wal"
	"github.com/arcabackup/arca/pkg/wal/basebackup"
)

// BaseBackups is a filesystem bucket (layout prefix "pg") holding, for each
// base backup id in bases, a sealed manifest whose facts start at the
// segment given (timeline 1, stopped now; its object is not written), and a
// stand-in object for each WAL segment named: the archive the base backup
// and WAL check tests read. The keyring is the config's Keys.
func BaseBackups(t testing.TB, bases map[string]string, segments ...string) (wal.Config, *keyring.Keyring) {
	t.Helper()
	kr := keyringtest.New(t)
	store, err := fsstore.New(t.TempDir())
	require.NoError(t, err)
	layout := backup.Layout{Prefix: "pg"}
	put := func(key string, doc []byte) {
		_, err := store.Put(t.Context(), key, bytes.NewReader(doc), int64(len(doc)))
		require.NoError(t, err)
	}
	sum := string(bytes.Repeat([]byte("ab"), 32))
	for id, start := range bases {
		facts, err := json.Marshal(basebackup.Facts{StartWAL: start, StopTime: time.Now().UTC(), Timeline: 1})
		require.NoError(t, err)
		m := backup.Manifest{FormatVersion: backup.FormatVersion, BackupID: id, Kind: "base", CreatedAt: time.Now().UTC(),
			Object: backup.Object{Key: layout.Data("base", "", id), Size: 1, SHA256: sum, Parts: []backup.Part{{Size: 1, SHA256: sum}}}, Export: facts}
		key, doc, err := layout.SealManifest(t.Context(), m, kr)
		require.NoError(t, err)
		put(key, doc)
	}
	for _, s := range segments {
		put(layout.WAL("00000001", s), []byte("segment"))
	}
	return wal.Config{Store: store, Layout: layout, Keys: kr}, kr
}
