package cli_test

import (
	"bytes"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/cmd/arca/internal/stack"
	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/backup/backuptest"
)

// arca copy between two filesystem destinations with no NATS: the copy is
// made and verified there, and the output says it was not recorded;
// wrong invocations are exit 2 with one line; a backup no destination
// holds is exit 1, as the copy job's failure is.
func TestCopyCompletesADestinationOrSaysWhyNot(t *testing.T) {
	t.Parallel()
	dr := filepath.Join(t.TempDir(), "dr")
	e := newBucketEnvStore(t, "postgres://arca@127.0.0.1:1/none", fmt.Sprintf(", destinations: [{name: dr, kind: fs, fs: {dir: %s}}]", dr))
	m, key, _, err := backuptest.Commit(t.Context(), e.store, e.layout, e.keys, backuptest.Spec{Tenant: "home-1", BackupID: "20261128T010000Z-a", Rows: 20})
	require.NoError(t, err)

	for _, c := range []struct {
		args []string
		err  string
	}{
		{[]string{"copy", "--to", "dr"}, "arca: name a backup id, or --archive\n"},
		{[]string{"copy", m.BackupID, "--archive", "--to", "dr"}, "arca: name a backup id, or --archive\n"},
		{[]string{"copy", "", "--archive", "--to", "dr"}, "arca: name a backup id, or --archive\n"},
		{[]string{"copy", "", "--to", "dr"}, "arca: name a backup id, or --archive\n"},
		{[]string{"copy", m.BackupID, "--to", "nowhere"}, "arca: --to \"nowhere\": not one of [" + e.cfg.Destinations()[0].Name + " dr] (store.destinations)\n"},
		{[]string{"copy", m.BackupID}, "arca: required flag(s) \"to\" not set\n"},
	} {
		_, stderr, code := e.arca(t, c.args...)
		require.Equal(t, 2, code, c.args)
		require.Equal(t, c.err, stderr, c.args)
	}

	_, stderr, code := e.arca(t, "copy", "20261128T020000Z-x", "--to", "dr")
	require.Equal(t, 1, code, stderr)
	require.Contains(t, stderr, "arca: not recorded: NATS unreachable")
	require.Equal(t, 2, bytes.Count([]byte(stderr), []byte("\n")), "one line for the record, one for the error: %s", stderr)

	stdout, stderr, code := e.arca(t, "copy", m.BackupID, "--to", "dr")
	require.Zero(t, code, stderr)
	require.Contains(t, stdout, "copied backup 20261128T010000Z-a from destination "+e.cfg.Destinations()[0].Name+" to dr and verified it there")
	d, ok := e.cfg.Destination("dr")
	require.True(t, ok)
	store, err := stack.OpenDestination(t.Context(), d, nil)
	require.NoError(t, err)
	_, err = store.Stat(t.Context(), key)
	require.NoError(t, err, "the manifest is in dr")
	_, err = store.Stat(t.Context(), m.Object.Key)
	require.NoError(t, err)
	_, err = store.Stat(t.Context(), backup.VerificationKey(key))
	require.NoError(t, err, "its verification is recorded there")
}
