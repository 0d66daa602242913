package cli_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/pkg/teststack"
)

// Bad flags are exit 2 with one line saying what to do, before anything
// is read or written; a backup of another kind, or none, is exit 1.
func TestRestoreRefusesBadSelectionsWithOneLine(t *testing.T) {
	t.Parallel()
	e := newBucketEnv(t)
	e.commit(t, "tenant", "home-1", "20261128T010000Z-a", t0, yes)
	e.commit(t, "full", "", "20261128T020000Z-f", t0, yes)
	for _, c := range []struct {
		args []string
		code int
		line string
	}{
		{[]string{"restore", "tenant", "--tenant", "home-1", "--latest"}, 2, "arca: choose exactly one of --replace, --target URL, --into-schema NAME"},
		{[]string{"restore", "tenant", "--tenant", "home-1", "--replace"}, 2, "arca: name a backup: --backup ID, or --tenant ID with --latest or --at TIME"},
		{[]string{"restore", "tenant", "--tenant", "home-1", "--at", "yesterday", "--replace"}, 2, `arca: --at "yesterday": want RFC 3339, e.g. 2026-11-28T01:00:00-03:00`},
		{[]string{"restore", "tenant", "--backup", "20261128T020000Z-f", "--replace"}, 1, "arca: backup 20261128T020000Z-f is a full backup, not a tenant backup"},
		{[]string{"restore", "tenant", "--tenant", "home-2", "--latest", "--replace"}, 1, "arca: no backup of tenant home-2 found"},
		{[]string{"restore", "full", "--backup", "20261128T010000Z-a"}, 2, "arca: --backup ID and --target URL are required"},
		{[]string{"restore", "full", "--backup", "20261128T010000Z-a", "--target", "postgres://x/y"}, 1, "arca: backup 20261128T010000Z-a is a tenant backup, not a full backup"},
		{[]string{"restore", "tenant", "--bogus"}, 2, "arca: unknown flag: --bogus"},
	} {
		out, errOut, code := e.arca(t, c.args...)
		require.Equal(t, c.code, code, "%v: %s", c.args, errOut)
		require.Equal(t, c.line, strings.TrimSpace(errOut), c.args)
		require.Empty(t, out, c.args)
	}
}

// manifests show prints the authenticated manifest and verification;
// verify of an id that is not in the bucket is one line and exit 1.
func TestManifestsShowAndVerifyOfAMissingBackup(t *testing.T) {
	t.Parallel()
	e := newBucketEnv(t)
	key := e.commit(t, "tenant", "home-1", "20261128T010000Z-a", t0, yes)
	out, errOut, code := e.arca(t, "manifests", "show", "20261128T010000Z-a")
	require.Equal(t, 0, code, errOut)
	var shown struct {
		Key          string         `json:"manifest_key"`
		Manifest     map[string]any `json:"manifest"`
		Verification map[string]any `json:"verification"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &shown))
	require.Equal(t, key, shown.Key)
	require.Equal(t, "home-1", shown.Manifest["tenant"])
	require.Equal(t, true, shown.Verification["verified"])
	_, err := time.Parse(time.RFC3339, shown.Verification["checked_at"].(string))
	require.NoError(t, err)

	_, errOut, code = e.arca(t, "verify", "nope")
	require.Equal(t, 1, code)
	require.Equal(t, "arca: backup nope: object not found", strings.TrimSpace(errOut))
	_, errOut, code = e.arca(t, "verify")
	require.Equal(t, 2, code)
	require.Equal(t, "arca: accepts 1 arg(s), received 0", strings.TrimSpace(errOut))
}

// restore tenant reads the backup from the bucket once, or with
// --verify-first twice, and restores the same rows either way; --json is
// the restore's result.
func TestRestoreTenantIntoSchemaWithAndWithoutVerifyFirst(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "fs")
	id := e.backup(t, messages.KindTenant, "home-1")
	var restored []int64
	for _, c := range []struct{ schema, flag string }{{"side_a", ""}, {"side_b", "--verify-first"}} {
		args := []string{"--json", "restore", "tenant", "--backup", id, "--into-schema", c.schema}
		if c.flag != "" {
			args = append(args, c.flag)
		}
		out, errOut, code := e.arca(t, args...)
		require.Equal(t, 0, code, errOut)
		var res struct {
			BackupID string `json:"backup_id"`
			Tenant   string `json:"tenant"`
			Mode     string `json:"mode"`
			Restored int64  `json:"rows_restored"`
		}
		require.NoError(t, json.Unmarshal([]byte(out), &res), out)
		require.Equal(t, id, res.BackupID)
		require.Equal(t, "home-1", res.Tenant)
		require.Equal(t, "into-schema", res.Mode)
		restored = append(restored, res.Restored)
	}
	require.Positive(t, restored[0])
	require.Equal(t, restored[0], restored[1])
}

// verify --json and restore full --json of a full backup: typed results,
// exit 0; restoring into a database that is not empty fails (exit 1).
func TestVerifyAndRestoreFullJSON(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "fs")
	id := e.backup(t, messages.KindFull, "")

	out, errOut, code := e.arca(t, "--json", "verify", id)
	require.Equal(t, 0, code, errOut)
	var v struct {
		BackupID string `json:"backup_id"`
		Kind     string `json:"kind"`
		Parts    int    `json:"parts"`
		Verified bool   `json:"verified"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &v), out)
	require.Equal(t, id, v.BackupID)
	require.Equal(t, "full", v.Kind)
	require.Positive(t, v.Parts)
	require.True(t, v.Verified)

	target := teststack.NewDatabase(t)
	out, errOut, code = e.arca(t, "--json", "restore", "full", "--backup", id, "--target", target.URL, "--jobs", "2")
	require.Equal(t, 0, code, errOut)
	var r struct {
		BackupID  string `json:"backup_id"`
		DumpBytes int64  `json:"dump_bytes"`
		Jobs      int    `json:"jobs"`
		Globals   bool   `json:"globals"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &r), out)
	require.Equal(t, id, r.BackupID)
	require.Positive(t, r.DumpBytes)
	require.Equal(t, 2, r.Jobs)
	require.False(t, r.Globals)

	_, errOut, code = e.arca(t, "restore", "full", "--backup", id, "--target", target.URL)
	require.Equal(t, 1, code, "the target is no longer empty")
	require.Equal(t, 1, strings.Count(strings.TrimSpace(errOut), "\n")+1, errOut)
}

// arca restorer without NATS: exit 1 and the hint, not a hang.
func TestRestorerWithoutNATS(t *testing.T) {
	t.Parallel()
	e := newBucketEnv(t)
	_, errOut, code := e.arca(t, "restorer")
	require.Equal(t, 1, code, errOut)
	require.Contains(t, errOut, "is `arca dev` or the cluster running?")
}
