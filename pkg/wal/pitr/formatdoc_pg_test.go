package pitr_test

import (
	"archive/tar"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/objstore"
	"github.com/arcabackup/arca/pkg/seal/formatdoc"
	"github.com/arcabackup/arca/pkg/wal/internal/pgtest"
)

// TestBaseBackupAndWALOpenByTheDoc: a base backup and an archived WAL
// segment of a real cluster open with docs/format.md alone
// (pkg/seal/formatdoc, which imports nothing of Arca): the keyring file
// (§6), the base manifest (§9), the data object under "base/<id>" (§4.1)
// into pg_basebackup's tar (§10.3), and the segment under
// "wal/<timeline>/<name>" into the 16 MiB file PostgreSQL archived (§10.4).
func TestBaseBackupAndWALOpenByTheDoc(t *testing.T) {
	t.Parallel()
	archive := pgtest.NewFSArchive(t)
	p := newPrimary(t, archive)
	seg := p.switchAndWait(t)

	var keyringPath, passphrase string
	for _, kv := range archive.Env {
		if v, ok := strings.CutPrefix(kv, "ARCA_KEYRING="); ok {
			keyringPath = v
		}
		if v, ok := strings.CutPrefix(kv, "ARCA_KEYRING_PASSPHRASE="); ok {
			passphrase = v
		}
	}
	raw, err := os.ReadFile(keyringPath)
	require.NoError(t, err)
	keys, err := formatdoc.OpenKeyringFile(raw, []byte(passphrase))
	require.NoError(t, err)

	get := func(key string) []byte {
		rc, err := archive.Store.Get(t.Context(), key, objstore.Range{})
		require.NoError(t, err, key)
		defer func() { _ = rc.Close() }()
		b, err := io.ReadAll(rc)
		require.NoError(t, err)
		return b
	}

	// Base backup: the manifest names no artifact; the data opens as base/<id>.
	id := p.backup.Manifest.BackupID
	mkey := archive.Layout.Manifest("base", "", id)
	body, err := formatdoc.OpenMetadata(get(mkey), mkey, archive.Layout.Prefix, keys)
	require.NoError(t, err)
	var m struct {
		Artifact  string `json:"artifact"`
		PlainSize int64  `json:"plain_size"`
	}
	require.NoError(t, json.Unmarshal(body, &m))
	require.Empty(t, m.Artifact)
	plain, err := formatdoc.OpenArtifact(get(archive.Layout.Data("base", "", id)), "base/"+id, keys)
	require.NoError(t, err)
	require.Equal(t, m.PlainSize, int64(len(plain)))
	tr := tar.NewReader(bytes.NewReader(plain))
	var names []string
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		require.NoError(t, err)
		names = append(names, h.Name)
		if strings.HasPrefix(h.Name, "pg_wal/") {
			require.NotEqual(t, byte(tar.TypeReg), h.Typeflag, "pg_wal holds no file: %s", h.Name)
		}
	}
	require.Contains(t, names, "backup_label")
	require.Contains(t, names, "PG_VERSION")
	require.Equal(t, "backup_manifest", names[len(names)-1])

	// WAL segment: the 16 MiB file, starting with a long page header of
	// this major version (XLOG_PAGE_MAGIC 0xD110 for PostgreSQL 15).
	tl := seg[:8]
	wal, err := formatdoc.OpenArtifact(get(archive.Layout.WAL(tl, seg)), "wal/"+tl+"/"+seg, keys)
	require.NoError(t, err)
	require.Len(t, wal, 16<<20)
	require.Equal(t, uint16(0xD110), binary.LittleEndian.Uint16(wal[:2]))
	_, err = formatdoc.OpenArtifact(get(archive.Layout.WAL(tl, seg)), "wal/"+tl+"/000000010000000000000099", keys)
	require.ErrorContains(t, err, "does not unwrap", "bound to its name")
}
