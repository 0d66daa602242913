package verify_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/archive"
	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/restore/verify"
	"github.com/arcabackup/arca/pkg/seal"
	"github.com/arcabackup/arca/pkg/seal/keyring"
)

type bundle struct {
	keys *keyring.Keyring
	m    backup.Manifest
	obj  []byte
}

// setup builds a tenant archive of one table, seals it in three parts and
// writes its manifest.
func setup(t *testing.T) bundle {
	t.Helper()
	var tar bytes.Buffer
	aw := archive.NewWriter(&tar, archive.WithChunkSize(4096))
	var csv strings.Builder
	csv.WriteString("id,note\n")
	for i := range 2000 {
		fmt.Fprintf(&csv, "%d,\"linha %d\nsegunda\"\n", i, i)
	}
	file := archive.DataFileName(1, "public", "notes")
	f, err := aw.WriteFile(file, strings.NewReader(csv.String()), true)
	require.NoError(t, err)
	am, err := aw.Close(archive.Manifest{Kind: archive.KindTenant, Tenant: archive.Tenant{ID: "t1"},
		Tables: []archive.Table{{Schema: "public", Name: "notes", Role: "tenant-owned", File: file, Rows: f.Rows,
			Columns: []archive.Column{{Name: "id", Type: "bigint"}, {Name: "note", Type: "text"}}}}})
	require.NoError(t, err)

	kr := keyring.New()
	_, err = kr.Rotate("")
	require.NoError(t, err)
	kek, err := kr.Primary("")
	require.NoError(t, err)
	plain := tar.Bytes()
	sum := sha256.Sum256(plain)
	m := backup.Manifest{FormatVersion: backup.FormatVersion, BackupID: "bk-1", Kind: "tenant", Tenant: "t1", KeyIDs: []string{kek.ID},
		CreatedAt: time.Now(), PlainSize: int64(len(plain)), PlainSHA256: hex.EncodeToString(sum[:])}
	m.Export, err = json.Marshal(am)
	require.NoError(t, err)
	var obj bytes.Buffer
	size := len(plain)/3 + 1
	for i := 0; i*size < len(plain); i++ {
		off := obj.Len()
		chunk := plain[i*size : min((i+1)*size, len(plain))]
		_, err := seal.Seal(context.Background(), &obj, bytes.NewReader(chunk),
			seal.Part{Artifact: m.BackupID, Index: uint32(i), Last: (i+1)*size >= len(plain)}, kek, seal.WithSegmentSize(seal.MinSegmentSize))
		require.NoError(t, err)
		ps := sha256.Sum256(obj.Bytes()[off:])
		m.Object.Parts = append(m.Object.Parts, backup.Part{Index: i, Offset: int64(off), Size: int64(obj.Len() - off),
			SHA256: hex.EncodeToString(ps[:]), KeyID: kek.ID})
	}
	os := sha256.Sum256(obj.Bytes())
	m.Object.Key, m.Object.Size, m.Object.SHA256 = "tenants/t1/bk-1/data.arca", int64(obj.Len()), hex.EncodeToString(os[:])
	require.NoError(t, m.Validate())
	return bundle{keys: kr, m: m, obj: obj.Bytes()}
}

func TestBackupHealthy(t *testing.T) {
	t.Parallel()
	b := setup(t)
	res, err := verify.Backup(t.Context(), bytes.NewReader(b.obj), b.m, b.keys)
	require.NoError(t, err)
	require.True(t, res.Verified)
	require.Equal(t, 3, res.Parts)
	require.Equal(t, b.m.Object.Size, res.ObjectBytes)
	require.Equal(t, []verify.TableResult{{Schema: "public", Name: "notes", Role: "tenant-owned",
		File: "data/001_public.notes.csv", Rows: 2000, SHA256: res.Tables[0].SHA256}}, res.Tables)
	_, err = json.Marshal(res)
	require.NoError(t, err)
}

func TestBackupFailures(t *testing.T) {
	t.Parallel()
	b := setup(t)
	flip := func(at int) []byte { o := bytes.Clone(b.obj); o[at] ^= 1; return o }
	wrongRows := b.m
	var am archive.Manifest
	require.NoError(t, json.Unmarshal(b.m.Export, &am))
	am.Files[0].Rows++
	am.Tables[0].Rows++
	wrongRows.Export, _ = json.Marshal(am)
	cases := map[string]struct {
		obj   []byte
		m     backup.Manifest
		stage verify.Stage
		part  int
		file  string
	}{
		"flipped byte in part 1": {obj: flip(int(b.m.Object.Parts[1].Offset) + 100), m: b.m, stage: verify.StageSeal, part: 1},
		"truncated":              {obj: b.obj[:len(b.obj)-10], m: b.m, stage: verify.StageSeal, part: 2},
		"row count differs":      {obj: b.obj, m: wrongRows, stage: verify.StageArchive, part: -1, file: "data/001_public.notes.csv"},
		"appended bytes":         {obj: append(bytes.Clone(b.obj), 0), m: b.m, stage: verify.StageSeal, part: 3},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			res, err := verify.Backup(t.Context(), bytes.NewReader(c.obj), c.m, b.keys)
			var f *verify.Failure
			require.True(t, errors.As(err, &f), "got %v", err)
			require.False(t, res.Verified)
			require.Equal(t, "bk-1", f.BackupID)
			require.Equal(t, c.stage, f.Stage, f.Error())
			require.Equal(t, c.part, f.Part, f.Error())
			require.Equal(t, c.file, f.File, f.Error())
			require.True(t, f.Damaged())
		})
	}
}
