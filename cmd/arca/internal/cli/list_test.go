package cli_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

var t0 = time.Date(2026, 11, 28, 1, 0, 0, 0, time.UTC)

// arca list --json: newest first, typed values (a boolean or null for
// verified, RFC 3339 times, numbers), exit 0.
func TestListJSONIsTyped(t *testing.T) {
	t.Parallel()
	e := newBucketEnv(t)
	e.commit(t, "tenant", "home-1", "20261128T010000Z-a", t0, yes)
	e.commit(t, "tenant", "home-1", "20261128T020000Z-b", t0.Add(time.Hour), nil)
	e.commit(t, "full", "", "20261128T030000Z-f", t0.Add(2*time.Hour), no)

	out, errOut, code := e.arca(t, "--json", "list")
	require.Equal(t, 0, code, errOut)
	var rows []map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &rows))
	require.Len(t, rows, 3)
	require.Equal(t, "20261128T030000Z-f", rows[0]["backup_id"])
	require.Equal(t, false, rows[0]["verified"])
	require.Equal(t, "failed", rows[0]["verification"])
	require.NotContains(t, rows[0], "tenant", "a full backup has no tenant")
	require.Nil(t, rows[1]["verified"])
	require.Contains(t, rows[1], "verified", "null while pending, not left out")
	require.Equal(t, "pending", rows[1]["verification"])
	require.Equal(t, true, rows[2]["verified"])
	require.Equal(t, "home-1", rows[2]["tenant"])
	require.Equal(t, "2026-11-28T01:00:00Z", rows[2]["created_at"])
	require.Equal(t, float64(30), rows[2]["bytes"])
	require.Equal(t, float64(100), rows[2]["plain_bytes"])
	require.Equal(t, e.layout.Manifest("tenant", "home-1", "20261128T010000Z-a"), rows[2]["manifest_key"])

	out, errOut, code = e.arca(t, "list", "--tenant", "home-1")
	require.Equal(t, 0, code, errOut)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	require.Len(t, lines, 3)
	require.Regexp(t, `^BACKUP\s+KIND\s+TENANT\s+CREATED\s+STORED\s+RAW\s+VERIFIED$`, lines[0])
	require.Regexp(t, `^20261128T020000Z-b\s+tenant\s+home-1\s+2026-11-28 02:00:00Z\s+30 B\s+100 B\s+pending$`, lines[1])
	require.Regexp(t, `true$`, lines[2])

	_, errOut, code = e.arca(t, "list", "--destination", "nowhere")
	require.Equal(t, 2, code, "an unknown destination is a usage error")
	require.Equal(t, `arca: --destination "nowhere": no such destination (store.destinations)`, strings.TrimSpace(errOut))
}

// A refused manifest is one line on stderr naming its key, the others are
// still listed, and the exit code is 3; info does the same.
func TestListAndInfoSkipARefusedManifestWithExit3(t *testing.T) {
	t.Parallel()
	e := newBucketEnv(t)
	keyA := e.commit(t, "tenant", "home-1", "20261128T010000Z-a", t0, yes)
	keyB := e.commit(t, "tenant", "home-2", "20261128T010000Z-b", t0, yes)
	e.put(t, keyA, e.get(t, keyB)) // B's manifest at A's key

	for _, args := range [][]string{{"--json", "list"}, {"--json", "info"}} {
		out, errOut, code := e.arca(t, args...)
		require.Equal(t, 3, code, errOut)
		require.Contains(t, out, "home-2")
		require.NotContains(t, out, "home-1")
		lines := strings.Split(strings.TrimSpace(errOut), "\n")
		require.Len(t, lines, 2, errOut)
		require.True(t, strings.HasPrefix(lines[0], "arca: skipped: "), lines[0])
		require.Contains(t, lines[0], keyA)
		require.Equal(t, "arca: 1 manifests or verifications refused (listed above)", lines[1])
	}
}

// arca info --json: one row per tenant and kind, typed.
func TestInfoJSONSummarisesPerTenantAndKind(t *testing.T) {
	t.Parallel()
	e := newBucketEnv(t)
	e.commit(t, "tenant", "home-1", "20261128T010000Z-a", t0, yes)
	e.commit(t, "tenant", "home-1", "20261128T020000Z-b", t0.Add(time.Hour), nil)
	e.commit(t, "full", "", "20261128T030000Z-f", t0.Add(2*time.Hour), no)
	out, errOut, code := e.arca(t, "--json", "info")
	require.Equal(t, 0, code, errOut)
	var rows []map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &rows))
	require.Len(t, rows, 2)
	require.Equal(t, "tenant", rows[0]["kind"])
	require.Equal(t, float64(2), rows[0]["backups"])
	require.Equal(t, "20261128T020000Z-b", rows[0]["newest_backup_id"])
	require.Equal(t, "pending", rows[0]["newest_verification"])
	require.Equal(t, "2026-11-28T02:00:00Z", rows[0]["newest_at"])
	require.Equal(t, "2026-11-28T01:00:00Z", rows[0]["oldest_at"])
	require.Equal(t, float64(1), rows[0]["verified"])
	require.Equal(t, float64(1), rows[0]["pending"])
	require.IsType(t, float64(0), rows[0]["newest_age_seconds"])
	require.Equal(t, "full", rows[1]["kind"])
	require.Equal(t, float64(1), rows[1]["failed"])

	out, _, code = newBucketEnv(t).arca(t, "info")
	require.Equal(t, 0, code)
	require.Contains(t, out, "no backups in ")
}
