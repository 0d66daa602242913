package verify_test

import (
	"bytes"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/objstore"
	"github.com/arcabackup/arca/pkg/objstore/fsstore"
	"github.com/arcabackup/arca/pkg/restore/verify"
)

// Stored proves a committed backup from the bucket; a missing data
// object and a refused manifest are damage, a missing manifest is not
// found.
func TestStoredReadsTheBackupBackFromTheBucket(t *testing.T) {
	t.Parallel()
	b := setup(t)
	store, err := fsstore.New(t.TempDir())
	require.NoError(t, err)
	repo := backup.Repository{Store: store, Layout: backup.Layout{}, Keys: b.keys}
	put := func(key string, doc []byte) {
		_, err := store.Put(t.Context(), key, bytes.NewReader(doc), int64(len(doc)))
		require.NoError(t, err)
	}
	key, doc, err := repo.Layout.SealManifest(t.Context(), b.m, b.keys)
	require.NoError(t, err)

	_, err = verify.Stored(t.Context(), repo, key)
	require.ErrorIs(t, err, objstore.ErrNotFound)

	put(key, doc)
	res, err := verify.Stored(t.Context(), repo, key)
	var f *verify.Failure
	require.True(t, errors.As(err, &f), "%v", err)
	require.Equal(t, verify.StageObject, f.Stage)
	require.True(t, f.Damaged())
	require.Equal(t, "bk-1", res.BackupID)

	put(b.m.Object.Key, b.obj)
	res, err = verify.Stored(t.Context(), repo, key)
	require.NoError(t, err)
	require.True(t, res.Verified)

	key2 := repo.Layout.Manifest("tenant", "t1", "bk-2")
	put(key2, doc) // bk-1's manifest at bk-2's key
	_, err = verify.Stored(t.Context(), repo, key2)
	require.True(t, errors.As(err, &f), "%v", err)
	require.Equal(t, verify.StageManifest, f.Stage)
	require.Equal(t, "bk-2", f.BackupID)
	require.ErrorAs(t, err, new(*backup.MetadataError))
}
