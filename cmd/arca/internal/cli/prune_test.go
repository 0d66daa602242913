package cli_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/objstore"
	"github.com/arcabackup/arca/pkg/objstore/fsstore"
	"github.com/arcabackup/arca/pkg/wal/basebackup"
)

// prune --dry-run --json: the backups past retention would go, with their
// reasons; nothing is deleted; the newest verified backup of a tenant is
// kept whatever its age.
func TestPruneDryRunJSONDeletesNothing(t *testing.T) {
	t.Parallel()
	e := newBucketEnv(t)
	old := time.Now().UTC().AddDate(-1, 0, 0)
	keyOld := e.commit(t, "tenant", "home-1", "20251128T010000Z-a", old, yes)
	keyOlder := e.commit(t, "tenant", "home-1", "20251127T010000Z-a", old.Add(-24*time.Hour), yes)
	e.commit(t, "tenant", "home-1", "20261128T010000Z-b", time.Now().UTC(), nil)

	out, errOut, code := e.arca(t, "--json", "prune", "--dry-run")
	require.Equal(t, 0, code, errOut)
	var rep struct {
		DryRun    bool      `json:"dry_run"`
		At        time.Time `json:"at"`
		Backups   int       `json:"backups"`
		Kept      int       `json:"kept"`
		Deleted   int       `json:"deleted"`
		Deletions []struct {
			BackupID string   `json:"backup_id"`
			Outcome  string   `json:"outcome"`
			Reasons  []string `json:"reasons"`
		} `json:"deletions"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &rep))
	require.True(t, rep.DryRun)
	require.False(t, rep.At.IsZero())
	require.Equal(t, 3, rep.Backups)
	require.Equal(t, 2, rep.Kept, "the newest and the newest verified")
	require.Equal(t, 1, rep.Deleted)
	require.Len(t, rep.Deletions, 1)
	require.Equal(t, "20251127T010000Z-a", rep.Deletions[0].BackupID)
	require.Equal(t, "would delete", rep.Deletions[0].Outcome)
	require.NotEmpty(t, rep.Deletions[0].Reasons)
	e.get(t, keyOld)
	e.get(t, keyOlder) // still there

	out, errOut, code = e.arca(t, "prune", "--dry-run")
	require.Equal(t, 0, code, errOut)
	require.Contains(t, out, "3 backups: 2 kept, 1 deleted, 0 locked, 0 failed")
	require.Contains(t, out, "(dry run: true)")
	require.Equal(t, 1, strings.Count(out, "would delete"))

	_, errOut, code = e.arca(t, "prune", "--dry-run", "--destination", "nowhere")
	require.Equal(t, 2, code, "an unknown destination is a usage error")
	require.Contains(t, errOut, `--destination "nowhere": no such destination`)
}

// sealBase seals into store a verified base backup's manifest (its data
// object is not written) whose replay starts at startWAL.
func (e *bucketEnv) sealBase(t *testing.T, store objstore.Store, id, startWAL string, created time.Time) {
	t.Helper()
	facts, err := json.Marshal(basebackup.Facts{StartWAL: startWAL, Timeline: 1, StopTime: created.Add(time.Minute)})
	require.NoError(t, err)
	m := backup.Manifest{FormatVersion: backup.FormatVersion, BackupID: id, Kind: "base", CreatedAt: created, CommittedAt: created.Add(time.Minute),
		Object: backup.Object{Key: e.layout.Data("base", "", id), Size: 1, SHA256: sum, Parts: []backup.Part{{Size: 1, SHA256: sum}}},
		Export: facts}
	key, doc, err := e.layout.SealManifest(t.Context(), m, e.keys)
	require.NoError(t, err)
	vkey, vdoc, err := e.layout.SealVerification(t.Context(), m.Ref(), backup.Verification{BackupID: id, Verified: true, CheckedAt: created.Add(time.Hour)}, e.keys)
	require.NoError(t, err)
	for k, d := range map[string][]byte{key: doc, vkey: vdoc} {
		_, err := store.Put(t.Context(), k, bytes.NewReader(d), int64(len(d)))
		require.NoError(t, err)
	}
}

// arca prune prunes each destination's copy of the WAL archive with that
// destination's own base backups, as the coordinator's retention runs do:
// dr, whose base backup of 40 days ago is past retention, loses the WAL
// only that one needed; the primary, whose one base backup starts at the
// first segment, keeps all of its WAL.
func TestPrunePrunesEachDestinationsWALWithItsOwnBaseBackups(t *testing.T) {
	t.Parallel()
	drDir := t.TempDir()
	e := newBucketEnvStore(t, "postgres://arca@127.0.0.1:1/none",
		fmt.Sprintf(", destinations: [{name: dr, kind: fs, fs: {dir: %s}, kinds: [base]}]", drDir))
	dr, err := fsstore.New(drDir)
	require.NoError(t, err)
	now := time.Now().UTC()
	e.sealBase(t, e.store, "base-p", seg(1), now.Add(-time.Hour))
	e.sealBase(t, dr, "base-old", seg(1), now.AddDate(0, 0, -40))
	e.sealBase(t, dr, "base-new", seg(3), now.Add(-time.Hour))
	for _, st := range []objstore.Store{e.store, dr} {
		for i := 1; i <= 4; i++ {
			_, err := st.Put(t.Context(), e.layout.WAL("00000001", seg(i)), strings.NewReader("segment"), 7)
			require.NoError(t, err)
		}
	}

	out, errOut, code := e.arca(t, "--json", "prune")
	require.Equal(t, 0, code, errOut)
	var runs []struct {
		Destination string
		Report      struct {
			Deleted int `json:"deleted"`
			WAL     *struct {
				Segments int `json:"segments"`
			} `json:"wal"`
		}
	}
	require.NoError(t, json.Unmarshal([]byte(out), &runs), out)
	require.Len(t, runs, 2)
	require.Equal(t, "dr", runs[1].Destination)
	require.Equal(t, 1, runs[1].Report.Deleted, "base-old, past 30 days")
	require.NotNil(t, runs[1].Report.WAL, "dr's copy of the archive is pruned")
	require.Equal(t, 2, runs[1].Report.WAL.Segments)
	require.Zero(t, runs[0].Report.Deleted)

	walIn := func(st objstore.Store) []string {
		var names []string
		for o, err := range st.List(t.Context(), e.layout.KindPrefix("wal")) {
			require.NoError(t, err)
			names = append(names, path.Base(o.Key))
		}
		return names
	}
	require.Equal(t, []string{seg(3), seg(4)}, walIn(dr), "what base-new needs")
	require.Equal(t, []string{seg(1), seg(2), seg(3), seg(4)}, walIn(e.store), "base-p needs all of the primary's")
}

func seg(n int) string { return fmt.Sprintf("0000000100000000000000%02X", n) }
