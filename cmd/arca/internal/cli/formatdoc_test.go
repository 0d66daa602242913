package cli_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/pkg/seal/formatdoc"
	"github.com/arcabackup/arca/pkg/teststack"
)

// TestEveryObjectOpensByTheDoc: what the pipeline wrote to the bucket
// opens with docs/format.md alone (pkg/seal/formatdoc, which imports nothing
// of Arca): the keyring file with its passphrase (§6); each manifest and
// verification record at its key (§9); the data objects with the artifact
// id the manifest names (§4.1); a tenant archive's tar layout, chunks,
// CSV files and archive manifest (§10.1); a full dump that pg_restore reads,
// with the globals in its manifest (§10.2).
func TestEveryObjectOpensByTheDoc(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "fs")
	idT := e.backup(t, messages.KindTenant, "home-1")
	idF := e.backup(t, messages.KindFull, "")

	raw, err := os.ReadFile(e.cfg.KeyringPath())
	require.NoError(t, err)
	keys, err := formatdoc.OpenKeyringFile(raw, []byte(os.Getenv(e.cfg.Keys.PassphraseEnv)))
	require.NoError(t, err)
	require.NotEmpty(t, keys)

	type body struct {
		Artifact string `json:"artifact"`
		Object   struct {
			SHA256 string `json:"sha256"`
		} `json:"object"`
		PlainSize int64           `json:"plain_size"`
		Export    json.RawMessage `json:"export"`
	}
	open := func(kind, tenant, id string) (body, []byte) {
		key := e.layout.Manifest(kind, tenant, id)
		b, err := formatdoc.OpenMetadata(e.get(t, key), key, "arca", keys)
		require.NoError(t, err, key)
		var m body
		require.NoError(t, json.Unmarshal(b, &m))
		require.Equal(t, id+".a1", m.Artifact, "§4.1: <backup id>.a<n>")
		data := e.get(t, e.layout.Data(kind, tenant, id))
		sum := sha256.Sum256(data)
		require.Equal(t, m.Object.SHA256, hex.EncodeToString(sum[:]))
		plain, parts, err := formatdoc.OpenParts(data, m.Artifact, keys)
		require.NoError(t, err)
		require.Equal(t, m.PlainSize, int64(len(plain)))
		for i, p := range parts {
			require.True(t, p.Compressed, "§1.4: part %d of %s is a zstd frame, compressed by the exporter", i, id)
		}

		vkey := strings.TrimSuffix(key, "manifest.json") + "verified.json"
		teststack.Eventually(t, time.Minute, func() bool {
			_, err := e.store.Stat(t.Context(), vkey)
			return err == nil
		}, "verified.json of "+id)
		vb, err := formatdoc.OpenMetadata(e.get(t, vkey), vkey, "arca", keys)
		require.NoError(t, err, vkey)
		var v struct {
			Verified bool `json:"verified"`
		}
		require.NoError(t, json.Unmarshal(vb, &v))
		require.True(t, v.Verified)
		// Bound to its key: the other backup's record does not open here.
		_, err = formatdoc.OpenMetadata(e.get(t, vkey), strings.Replace(vkey, id, "20261129T000000Z-000000000000", 1), "arca", keys)
		require.Error(t, err)
		return m, plain
	}

	// Tenant export: a tar of chunked files, manifest.json last.
	m, plain := open("tenant", "home-1", idT)
	files, am, err := formatdoc.TenantArchive(plain)
	require.NoError(t, err)
	require.JSONEq(t, string(m.Export), string(am), "the archive manifest is the manifest body's export")
	var arch struct {
		Files []struct {
			Name   string `json:"name"`
			Size   int64  `json:"size"`
			SHA256 string `json:"sha256"`
			Chunks int    `json:"chunks"`
			Rows   int64  `json:"rows"`
		} `json:"files"`
		Tables []struct {
			Schema, Name, File string
			Rows               int64
		} `json:"tables"`
	}
	require.NoError(t, json.Unmarshal(am, &arch))
	require.Len(t, files, len(arch.Files))
	var residents []byte
	for i, f := range files {
		want := arch.Files[i]
		sum := sha256.Sum256(f.Data)
		require.Equal(t, want.Name, f.Name)
		require.Equal(t, want.SHA256, hex.EncodeToString(sum[:]), f.Name)
		require.Equal(t, want.Chunks, f.Chunks, f.Name)
		if strings.HasSuffix(f.Name, "_public.residents.csv") {
			residents = f.Data
		}
	}
	rows, err := csv.NewReader(bytes.NewReader(residents)).ReadAll()
	require.NoError(t, err)
	require.Equal(t, []string{"id", "tenantId", "name", "born"}, rows[0], "a header row")
	require.Len(t, rows, 6, "the header and home-1's 5 residents")
	require.Equal(t, "home-1", rows[1][1])

	// Full dump: a pg_dump custom archive that pg_restore lists; the
	// globals ride in the manifest.
	m, plain = open("full", "", idF)
	require.Equal(t, "PGDMP", string(plain[:5]))
	dump := filepath.Join(t.TempDir(), "full.dump")
	require.NoError(t, os.WriteFile(dump, plain, 0o600))
	list, err := exec.CommandContext(t.Context(), teststack.PGBin(t, "pg_restore"), "--list", dump).CombinedOutput()
	require.NoError(t, err, string(list))
	require.Contains(t, string(list), "TABLE DATA public residents")
	require.Contains(t, string(list), "Compression: 0\n", "-Z0: zstd in the sealed parts compresses")
	var ff struct {
		Format  string `json:"format"`
		Globals struct {
			SQL string `json:"sql"`
		} `json:"globals"`
	}
	require.NoError(t, json.Unmarshal(m.Export, &ff))
	require.Equal(t, "pg_dump-custom", ff.Format)
	require.Contains(t, ff.Globals.SQL, "CREATE ROLE postgres;")

	// The data object opens for its own artifact id only (§4.1).
	_, err = formatdoc.OpenArtifact(e.get(t, e.layout.Data("full", "", idF)), idF, keys)
	require.ErrorContains(t, err, "does not unwrap")
}
