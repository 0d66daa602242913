package drill_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os/exec"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/objstore/fsstore"
	"github.com/arcabackup/arca/pkg/restore/drill"
	"github.com/arcabackup/arca/pkg/seal"
	"github.com/arcabackup/arca/pkg/seal/keyring"
	"github.com/arcabackup/arca/pkg/seal/keyring/keyringtest"
	"github.com/arcabackup/arca/pkg/teststack"
)

// fullBucket is a filesystem bucket and its repository.
func fullBucket(t *testing.T) backup.Repository {
	t.Helper()
	kr := keyringtest.New(t)
	store, err := fsstore.New(t.TempDir())
	require.NoError(t, err)
	return backup.Repository{Store: store, Layout: backup.Layout{Prefix: "drill"}, Keys: kr}
}

// commitFull seals plain as one full backup and commits its manifest.
func commitFull(t *testing.T, repo backup.Repository, id string, plain []byte) {
	t.Helper()
	ctx := t.Context()
	kek, err := repo.Keys.(*keyring.Keyring).Primary("")
	require.NoError(t, err)
	sl, err := seal.NewSealer()
	require.NoError(t, err)
	var obj bytes.Buffer
	_, err = sl.Seal(ctx, &obj, bytes.NewReader(plain), seal.Part{Artifact: id, Index: 0, Last: true}, kek)
	require.NoError(t, err)
	ph, oh := sha256.Sum256(plain), sha256.Sum256(obj.Bytes())
	m := backup.Manifest{FormatVersion: backup.FormatVersion, ToolVersion: "test", BackupID: id, Kind: "full",
		CreatedAt: time.Now().UTC(), CommittedAt: time.Now().UTC(), KeyIDs: []string{kek.ID},
		PlainSize: int64(len(plain)), PlainSHA256: hex.EncodeToString(ph[:]),
		Object: backup.Object{Key: repo.Layout.Data("full", "", id), Size: int64(obj.Len()), SHA256: hex.EncodeToString(oh[:]),
			Parts: []backup.Part{{Index: 0, Size: int64(obj.Len()), SHA256: hex.EncodeToString(oh[:]), PlainSize: int64(len(plain)), KeyID: kek.ID}}}}
	store := repo.Store.(*fsstore.Store)
	_, err = store.Put(ctx, m.Object.Key, bytes.NewReader(obj.Bytes()), int64(obj.Len()))
	require.NoError(t, err)
	key, doc, err := repo.Layout.SealManifest(ctx, m, repo.Keys.(*keyring.Keyring))
	require.NoError(t, err)
	_, err = store.Put(ctx, key, bytes.NewReader(doc), int64(len(doc)))
	require.NoError(t, err)
}

func TestFullDrillRestoresTheNewestDumpAndCountsIt(t *testing.T) {
	t.Parallel()
	repo := fullBucket(t)
	cfg := drill.FullConfig{Repo: repo, AdminURL: teststack.AdminURL(), PGRestore: teststack.PGBin(t, "pg_restore")}

	rep, err := drill.Full(t.Context(), cfg)
	require.NoError(t, err)
	require.Nil(t, rep, "no full dump yet is no drill, not a failure")

	src := teststack.NewDatabase(t)
	conn, err := pgx.Connect(t.Context(), src.URL)
	require.NoError(t, err)
	_, err = conn.Exec(t.Context(), `CREATE TABLE a (id int); INSERT INTO a SELECT generate_series(1, 7); CREATE TABLE b (id int); INSERT INTO b VALUES (1)`)
	require.NoError(t, err)
	require.NoError(t, conn.Close(context.Background()))
	dump, err := exec.CommandContext(t.Context(), teststack.PGBin(t, "pg_dump"), "--format=custom", "--dbname="+src.URL).Output()
	require.NoError(t, err)
	commitFull(t, repo, "20261128T010000Z-old", []byte("not a dump"))
	commitFull(t, repo, "20261128T020000Z-new", dump)

	rep, err = drill.Full(t.Context(), cfg)
	require.NoError(t, err)
	require.Equal(t, drill.FullReport{BackupID: "20261128T020000Z-new", Passed: true, Tables: 2, Rows: 8, RTOSeconds: rep.RTOSeconds}, *rep)
	ev := rep.Event("run-1")
	require.Equal(t, "succeeded", string(ev.Status))
	require.Equal(t, "2", ev.Attrs["tables"])

	commitFull(t, repo, "20261128T030000Z-bad", []byte("not a dump"))
	rep, err = drill.Full(t.Context(), cfg)
	require.NoError(t, err, "a dump that does not restore is a failed drill, not an error")
	require.False(t, rep.Passed)
	require.Equal(t, "20261128T030000Z-bad", rep.BackupID)
	require.NotEmpty(t, rep.Reason)
	require.Equal(t, "failed", string(rep.Event("run-2").Status))
}
