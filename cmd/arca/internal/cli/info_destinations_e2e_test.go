package cli_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/messages"
)

// arca info reads every destination and reports each: its backups, their
// verification there, and the copies it lacks (a tenant export whose copy
// in dr is gone shows as missing there, and nowhere else).
func TestInfoReportsEveryDestinationAndTheCopiesItLacks(t *testing.T) {
	t.Parallel()
	e, set := destEnv(t)
	id := e.backup(t, messages.KindTenant, "home-1")
	for _, d := range set {
		require.True(t, waitVerifiedIn(t, e, d, "home-1", id).Verified, d.Name)
	}
	out, stderr, code := e.arca(t, "--json", "info")
	require.Equal(t, 0, code, stderr)
	var rows []map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &rows), out)
	require.Len(t, rows, 3, out)
	for i, name := range []string{"sp", "dr", "local"} {
		require.Equal(t, name, rows[i]["destination"])
		require.Equal(t, "home-1", rows[i]["tenant"])
		require.Equal(t, float64(1), rows[i]["verified"], name)
		require.Nil(t, rows[i]["missing"], name)
	}

	// dr's copy is gone (its manifest, the copy's commit point).
	require.NoError(t, set[1].Store.Delete(t.Context(), e.layout.Manifest("tenant", "home-1", id)))
	out, stderr, code = e.arca(t, "info")
	require.Equal(t, 0, code, stderr)
	require.Regexp(t, `DESTINATION\s+TENANT\s+KIND.*MISSING\n`, out)
	require.Regexp(t, `sp\s+home-1\s+tenant\s+1\s.*\s0\n`, out)
	require.Regexp(t, `dr\s+home-1\s+tenant\s+0\s+-\s+-\s+missing\s.*\s1\n`, out)
	require.Regexp(t, `local\s+home-1\s+tenant\s+1\s.*\s0\n`, out)
}
