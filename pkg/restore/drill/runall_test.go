package drill_test

import (
	"encoding/json"
	"os/exec"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/restore/drill"
	"github.com/arcabackup/arca/pkg/teststack"
)

// RunAll drills the tenants and the newest full dump: a tenant without a
// backup fails the outcome (Err names it) while the full dump passes; the
// JSON is {"full": ..., "tenants": ...}. A pg_restore that is not on the
// PATH is a drill that could not run.
func TestRunAllDrillsTenantsAndTheFullDump(t *testing.T) {
	t.Parallel()
	repo := fullBucket(t)
	src := teststack.NewDatabase(t)
	_, err := src.Pool.Exec(t.Context(), `CREATE TABLE public.tenants (id text); INSERT INTO public.tenants VALUES ('casa_01')`)
	require.NoError(t, err)
	dump, err := exec.CommandContext(t.Context(), teststack.PGBin(t, "pg_dump"), "--format=custom", "--dbname="+src.URL).Output()
	require.NoError(t, err)
	commitFull(t, repo, "20261128T020000Z-full", dump)

	o := drill.Options{Config: drill.Config{AdminURL: src.URL, Tenants: []string{"casa_01"}, Keys: repo.Keys},
		Repo: repo, FullAdminURL: src.URL, PGRestore: teststack.PGBin(t, "pg_restore")}
	out, err := drill.RunAll(t.Context(), o)
	require.NoError(t, err)
	require.NotNil(t, out.Full)
	require.True(t, out.Full.Passed, out.Full.Reason)
	require.Equal(t, "20261128T020000Z-full", out.Full.BackupID)
	require.False(t, out.Tenants.Passed)
	require.ErrorContains(t, out.Err(), "drill failed: casa_01 (): find newest backup")
	doc, err := json.Marshal(out)
	require.NoError(t, err)
	var shape map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(doc, &shape))
	require.Contains(t, shape, "full")
	require.Contains(t, shape, "tenants")
	require.Regexp(t, `^\{"full":`, string(doc))

	o.PGRestore = "arca-no-such-pg_restore"
	out, err = drill.RunAll(t.Context(), o)
	require.ErrorContains(t, err, "drill full: ")
	require.Len(t, out.Tenants.Tenants, 1, "the tenants were drilled before")
}
