package verify_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/archive"
	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/backup/backuptest"
	"github.com/arcabackup/arca/pkg/restore/verify"
	"github.com/arcabackup/arca/pkg/seal/keyring"
	"github.com/arcabackup/arca/pkg/seal/keyring/keyringtest"
)

type bundle struct {
	keys *keyring.Keyring
	m    backup.Manifest
	obj  []byte
}

// setup builds a tenant backup of one table of 2000 rows, sealed in three
// parts.
func setup(t *testing.T) bundle {
	t.Helper()
	kr := keyringtest.New(t)
	m, obj, err := backuptest.Build(t.Context(), backup.Layout{}, kr, backuptest.Spec{Tenant: "t1", BackupID: "bk-1", Rows: 2000, Parts: 3})
	require.NoError(t, err)
	return bundle{keys: kr, m: m, obj: obj}
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
