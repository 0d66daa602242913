package stack_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/cmd/arca/internal/stack"
	"github.com/arcabackup/arca/pkg/restore"
	"github.com/arcabackup/arca/pkg/wal/pitr"
)

// What an operator asks of a restore that cannot be carried out is a
// ConfigError (the CLI's exit 2) with the words the CLI has always used,
// before anything is opened: the configuration here has no keyring.
func TestRestoreRequestsRefusedAreConfigErrors(t *testing.T) {
	cfg := fileConfig(t)
	refused := func(err error, want string) {
		t.Helper()
		require.ErrorAs(t, err, new(stack.ConfigError))
		require.EqualError(t, err, want)
	}
	_, err := stack.RestoreTenant(t.Context(), cfg, stack.TenantRequest{Replace: true, Schema: "s"})
	refused(err, "choose exactly one of --replace, --target URL, --into-schema NAME")
	_, err = stack.RestoreTenant(t.Context(), cfg, stack.TenantRequest{Replace: true, At: "yesterday"})
	refused(err, `--at "yesterday": want RFC 3339, e.g. 2026-11-28T01:00:00-03:00`)

	_, err = stack.RestoreFull(t.Context(), cfg, "b1", restore.FullOptions{}, nil, nil)
	refused(err, "--backup ID and --target URL are required")

	dir := t.TempDir()
	for _, r := range []stack.PITRRequest{{PGData: dir}, {PGData: dir, At: "2026-11-28T01:00:00Z", Target: pitr.Target{Latest: true}},
		{PGData: dir, Target: pitr.Target{LSN: "0/1", Latest: true}}} {
		_, err = stack.RestorePITR(t.Context(), cfg, r)
		refused(err, "choose exactly one of --target-time, --target-lsn, --latest")
	}
	_, err = stack.RestorePITR(t.Context(), cfg, stack.PITRRequest{PGData: dir, At: "noon"})
	require.ErrorAs(t, err, new(stack.ConfigError))
	require.ErrorContains(t, err, "--target-time: ")
	_, err = stack.RestorePITR(t.Context(), cfg, stack.PITRRequest{Target: pitr.Target{Latest: true}})
	refused(err, "--pgdata DIR is required")

	// A good request goes on to open the keyring, which is not there.
	_, err = stack.RestorePITR(t.Context(), cfg, stack.PITRRequest{PGData: dir, At: "2026-11-28T01:00:00Z"})
	require.Error(t, err)
	require.NotErrorAs(t, err, new(stack.ConfigError))
}

// A prepared data directory says how to start it unless the caller starts
// it; the JSON is pitr.Result's alone.
func TestPITRResultSaysHowToStartIt(t *testing.T) {
	res := stack.PITRResult{Result: pitr.Result{Files: 3, PGData: "/d"}, StartWith: "start it with: pg_ctl -D /d start"}
	var plain, hinted bytes.Buffer
	res.Result.WriteText(&plain)
	res.WriteText(&hinted)
	require.Equal(t, plain.String()+"start it with: pg_ctl -D /d start\n", hinted.String())
	got, err := json.Marshal(res)
	require.NoError(t, err)
	want, err := json.Marshal(res.Result)
	require.NoError(t, err)
	require.JSONEq(t, string(want), string(got))
}
