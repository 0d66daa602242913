package cli_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"
)

// The key commands over a file keyring, with no NATS and no catalog
// reachable: list's --json shape, and each refusal's exit code (2: usage,
// 1: failure).
func TestKeyCommandsExitCodesAndJSON(t *testing.T) {
	t.Parallel()
	e := newBucketEnv(t)
	out, _, code := e.arca(t, "--json", "keys", "list")
	require.Equal(t, 0, code)
	var keys []struct {
		ID      string `json:"id"`
		Tenant  string `json:"tenant"`
		Primary bool   `json:"primary"`
		Kind    string `json:"kind"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &keys), out)
	require.Len(t, keys, 1)
	require.True(t, keys[0].Primary)
	require.NotEmpty(t, keys[0].ID)

	for _, c := range []struct {
		args []string
		code int
		err  string
	}{
		{[]string{"keys", "erase-tenant", "acme"}, 2, "repeat the tenant id with --confirm acme"},
		{[]string{"keys", "rotate", "--kms", "arn:nope"}, 2, "want awskms://KEY-ARN"},
		{[]string{"keys", "recover"}, 2, "--from-bucket is required"},
		{[]string{"keys", "recover", "--from-bucket"}, 1, "escrow"},
		{[]string{"keys", "escrow"}, 2, "keys.kms is required"},
		{[]string{"keys", "status"}, 1, "nats"},
		{[]string{"keys", "sync"}, 1, "keyring saved, but running services were not told"},
	} {
		_, stderr, code := e.arca(t, c.args...)
		require.Equal(t, c.code, code, "%v: %s", c.args, stderr)
		require.Contains(t, stderr, c.err, c.args)
	}
}

// The WAL and base-backup commands refuse what they cannot do before
// touching anything.
func TestWALCommandsRefuseBadInvocations(t *testing.T) {
	t.Parallel()
	e := newBucketEnv(t)
	for _, c := range []struct {
		args []string
		code int
		err  string
	}{
		{[]string{"wal-agent", "--dir", ""}, 2, "--dir DIR"},
		{[]string{"restore", "pitr", "--pgdata", t.TempDir()}, 2, "choose exactly one of --target-time, --target-lsn, --latest"},
		{[]string{"restore", "pitr", "--latest"}, 2, "--pgdata DIR is required"},
		{[]string{"restore", "pitr", "--target-time", "yesterday", "--pgdata", t.TempDir()}, 2, "--target-time"},
		{[]string{"backup", "base"}, 1, "base"},
		{[]string{"wal-push", "/nonexistent/000000010000000000000001", "--agent-dir", ""}, 2, "000000010000000000000001"},
	} {
		_, stderr, code := e.arca(t, c.args...)
		require.Equal(t, c.code, code, "%v: %s", c.args, stderr)
		require.Contains(t, stderr, c.err, c.args)
	}
}

// The catalog commands and the tenancy plan fail with exit 1 and say what
// they could not reach.
func TestCatalogAndTenancyCommandsNameWhatTheyCannotReach(t *testing.T) {
	t.Parallel()
	e := newBucketEnv(t)
	for _, c := range []struct {
		args []string
		err  string
	}{
		{[]string{"status"}, "catalog"},
		{[]string{"catalog", "rebuild"}, "catalog"},
		{[]string{"tenancy", "plan"}, "tenancy plan:"},
		{[]string{"backup", "tenant", "acme"}, "list tenants:"},
		{[]string{"backup", "full"}, "nats"},
		{[]string{"alerter", "--dry-run"}, "nats"},
	} {
		_, stderr, code := e.arca(t, c.args...)
		require.Equal(t, 1, code, "%v: %s", c.args, stderr)
		require.Contains(t, stderr, c.err, c.args)
	}
}

// manifests upgrade of an empty bucket changes nothing and says so as
// JSON; healthcheck of something that is not a URL is a usage error.
func TestManifestsUpgradeAndHealthcheckExitCodes(t *testing.T) {
	t.Parallel()
	e := newBucketEnv(t)
	out, stderr, code := e.arca(t, "--json", "manifests", "upgrade", "--dry-run")
	require.Equal(t, 0, code, stderr)
	var got []json.RawMessage
	require.NoError(t, json.Unmarshal([]byte(out), &got), out)
	require.Empty(t, got)
	_, _, code = e.arca(t, "manifests", "show", "nope")
	require.Equal(t, 1, code)
	_, _, code = e.arca(t, "healthcheck", "::not a url")
	require.Equal(t, 2, code)
}
