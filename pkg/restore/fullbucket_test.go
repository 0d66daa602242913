package restore_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/objstore/fsstore"
	"github.com/arcabackup/arca/pkg/restore"
	"github.com/arcabackup/arca/pkg/seal/keyring/keyringtest"
)

// FullFromBucket refuses a backup of another kind, or none, before it
// reads an object or runs pg_restore.
func TestFullFromBucketRefusesWhatIsNotAFullBackup(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	store, err := fsstore.New(t.TempDir())
	require.NoError(t, err)
	keys := keyringtest.New(t)
	layout := backup.Layout{Prefix: "arca"}
	sum := strings.Repeat("ab", 32)
	m := backup.Manifest{FormatVersion: backup.FormatVersion, BackupID: "t1", Kind: "tenant", Tenant: "acme",
		CreatedAt: time.Now().UTC(), CommittedAt: time.Now().UTC(),
		Object: backup.Object{Key: layout.Data("tenant", "acme", "t1"), Size: 30, SHA256: sum, Parts: []backup.Part{{Size: 30, SHA256: sum}}},
		Export: json.RawMessage(`{"tables":[]}`)}
	key, doc, err := layout.SealManifest(ctx, m, keys)
	require.NoError(t, err)
	_, err = store.Put(ctx, key, bytes.NewReader(doc), int64(len(doc)))
	require.NoError(t, err)
	repo := backup.Repository{Store: store, Layout: layout, Keys: keys}
	opts := restore.FullOptions{Database: "postgres://arca@127.0.0.1:1/none", PGRestore: "/nonexistent/pg_restore"}

	_, err = restore.FullFromBucket(ctx, repo, "t1", opts, nil)
	require.EqualError(t, err, "backup t1 is a tenant backup, not a full backup")
	_, err = restore.FullFromBucket(ctx, repo, "nope", opts, nil)
	require.EqualError(t, err, "backup nope: object not found")
}
