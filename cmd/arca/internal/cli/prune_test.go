package cli_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
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
