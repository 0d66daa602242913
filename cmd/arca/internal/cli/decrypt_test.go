package cli_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/cmd/arca/internal/stack"
	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/seal"
)

// TestDecryptManifestOfBaseBackup: a base backup's parts are sealed for
// "base/<id>" (pkg/wal/basebackup), not for its backup id, and its manifest
// names no artifact; decrypt --manifest opens it all the same.
func TestDecryptManifestOfBaseBackup(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "fs")
	ctx := t.Context()
	keys, err := stack.Keyring(ctx, e.cfg, false)
	require.NoError(t, err)
	kek, err := keys.Primary("")
	require.NoError(t, err)

	id := "20261129T010000Z-0123456789ab"
	plain := []byte("a tar stream of PGDATA, as pg_basebackup -Ft writes it")
	var sealed bytes.Buffer
	st, err := seal.Seal(ctx, &sealed, bytes.NewReader(plain), seal.Part{Artifact: "base/" + id, Index: 0, Last: true}, kek)
	require.NoError(t, err)
	sum, psum := sha256.Sum256(sealed.Bytes()), sha256.Sum256(plain)
	now := time.Now().UTC()
	m := backup.Manifest{
		FormatVersion: backup.FormatVersion, ToolVersion: "test", BackupID: id, Kind: "base", CreatedAt: now, CommittedAt: now,
		Object: backup.Object{Key: e.layout.Data("base", "", id), Size: int64(sealed.Len()), SHA256: hex.EncodeToString(sum[:]),
			Parts: []backup.Part{{Index: 0, Size: st.Sealed, SHA256: hex.EncodeToString(sum[:]), PlainSize: st.Plain, KeyID: kek.ID}}},
		PlainSize: int64(len(plain)), PlainSHA256: hex.EncodeToString(psum[:]), KeyIDs: []string{kek.ID},
	}
	_, doc, err := e.layout.SealManifest(ctx, m, keys)
	require.NoError(t, err)

	dir := t.TempDir()
	data, manifest, out := dir+"/data.arca", dir+"/manifest.json", dir+"/base.tar"
	require.NoError(t, writeFile(data, sealed.Bytes()))
	require.NoError(t, writeFile(manifest, doc))
	_, errOut, code := e.arca(t, "decrypt", "--in", data, "--out", out, "--manifest", manifest)
	require.Equal(t, 0, code, errOut)
	got, err := os.ReadFile(out)
	require.NoError(t, err)
	require.Equal(t, plain, got)
}
