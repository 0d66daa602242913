package cli_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/objstore/fsstore"
	"github.com/arcabackup/arca/pkg/wal/basebackup"
)

// commitBase seals the manifest of a base backup whose replay starts at
// startWAL.
func (e *bucketEnv) commitBase(t *testing.T, id, startWAL string) {
	t.Helper()
	facts, err := json.Marshal(basebackup.Facts{StartWAL: startWAL, Timeline: 1, StopTime: time.Now().UTC()})
	require.NoError(t, err)
	m := backup.Manifest{FormatVersion: backup.FormatVersion, BackupID: id, Kind: "base", CreatedAt: time.Now().UTC(),
		Object: backup.Object{Key: e.layout.Data("base", "", id), Size: 1, SHA256: sum, Parts: []backup.Part{{Size: 1, SHA256: sum}}},
		Export: facts}
	key, doc, err := e.layout.SealManifest(t.Context(), m, e.keys)
	require.NoError(t, err)
	e.put(t, key, doc)
}

// wal-check: a gap after a base backup is exit 1 with the gap named in
// one line; a continuous archive is exit 0; --json is typed.
func TestWALCheckNamesTheGapAndExits1(t *testing.T) {
	t.Parallel()
	e := newBucketEnv(t)
	e.commitBase(t, "base-1", "000000010000000000000001")
	for _, s := range []string{"000000010000000000000001", "000000010000000000000003"} {
		e.put(t, e.layout.WAL("00000001", s), []byte("segment"))
	}
	out, errOut, code := e.arca(t, "--json", "wal-check", "--max-age", "1000h")
	require.Equal(t, 1, code, errOut)
	var res struct {
		CheckedAt time.Time
		Stale     bool
		Gaps      []struct{ Backup, First, Last string }
	}
	require.NoError(t, json.Unmarshal([]byte(out), &res), out)
	require.False(t, res.CheckedAt.IsZero())
	require.False(t, res.Stale)
	require.Equal(t, []struct{ Backup, First, Last string }{{"base-1", "000000010000000000000002", "000000010000000000000002"}}, res.Gaps)
	lines := strings.Split(strings.TrimSpace(errOut), "\n")
	require.Len(t, lines, 1, errOut)
	require.Contains(t, lines[0], "000000010000000000000002")

	e.put(t, e.layout.WAL("00000001", "000000010000000000000002"), []byte("segment"))
	out, errOut, code = e.arca(t, "wal-check", "--max-age", "1000h")
	require.Equal(t, 0, code, errOut)
	require.Regexp(t, `^WAL archive: newest segment \S+ old, 0 gaps, 0 timeline forks\n$`, out)

	_, errOut, code = e.arca(t, "wal-check", "--max-age", "1ns")
	require.Equal(t, 1, code, "a stale archive fails the check")
	require.NotEmpty(t, errOut)
}

// wal-check compares each further destination's copy of the archive with
// the primary's, as the coordinator's scheduled check does
// (walcheck.CopyArchives): an object the primary has held past the grace
// and the copy lacks fails the check and names the destination; once
// the copy holds it, the check passes and says the copy is whole.
func TestWALCheckComparesEachDestinationsCopy(t *testing.T) {
	t.Parallel()
	drDir := t.TempDir()
	e := newBucketEnvStore(t, "postgres://arca@127.0.0.1:1/none",
		fmt.Sprintf(", destinations: [{name: dr, kind: fs, fs: {dir: %s}, kinds: [base]}, {name: tenants-only, kind: fs, fs: {dir: %s}, kinds: [tenant]}]", drDir, t.TempDir()))
	dr, err := fsstore.New(drDir)
	require.NoError(t, err)
	e.commitBase(t, "base-1", "000000010000000000000001")
	var keys []string
	for _, s := range []string{"000000010000000000000001", "000000010000000000000002"} {
		e.put(t, e.layout.WAL("00000001", s), []byte("segment"))
	}
	// Everything in the primary was written an hour ago (past the grace);
	// the copy holds all but the newest segment.
	for o, err := range e.store.List(t.Context(), "arca/") {
		require.NoError(t, err)
		keys = append(keys, o.Key)
	}
	require.Len(t, keys, 3, "the base backup's manifest (its data is never read here) and two segments: %v", keys)
	hourAgo := time.Now().Add(-time.Hour)
	lacking := e.layout.WAL("00000001", "000000010000000000000002")
	for _, k := range keys {
		require.NoError(t, os.Chtimes(filepath.Join(e.cfg.Store.FS.Dir, filepath.FromSlash(k)), hourAgo, hourAgo))
		if k != lacking {
			_, err := dr.Put(t.Context(), k, bytes.NewReader(e.get(t, k)), -1)
			require.NoError(t, err)
		}
	}

	out, errOut, code := e.arca(t, "--json", "wal-check", "--max-age", "1000h")
	require.Equal(t, 1, code, "a copy lacking a segment fails the check: %s", errOut)
	var res struct {
		Gaps   []any
		Copies []struct {
			Destination string
			Missing     int
		}
	}
	require.NoError(t, json.Unmarshal([]byte(out), &res), out)
	require.Empty(t, res.Gaps)
	require.Equal(t, []struct {
		Destination string
		Missing     int
	}{{"dr", 1}}, res.Copies, "only the destination that takes base backups holds the archive")
	require.Contains(t, errOut, "destination dr lacks 1 objects")
	require.Contains(t, errOut, lacking)

	_, err = dr.Put(t.Context(), lacking, bytes.NewReader(e.get(t, lacking)), -1)
	require.NoError(t, err)
	out, errOut, code = e.arca(t, "wal-check", "--max-age", "1000h")
	require.Equal(t, 0, code, errOut)
	require.Regexp(t, `^WAL archive: newest segment \S+ old, 0 gaps, 0 timeline forks\ncopy in dr: 0 objects missing\n$`, out)
}
