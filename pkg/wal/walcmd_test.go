package wal_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/wal"
	"github.com/arcabackup/arca/pkg/wal/internal/pgtest"
)

// TestWalcmdExitCodes checks the statuses PostgreSQL sees.
func TestWalcmdExitCodes(t *testing.T) {
	t.Parallel()
	a := pgtest.NewFSArchive(t)
	dir := t.TempDir()
	run := func(args ...string) int {
		cmd := exec.Command(a.Bin, args...)
		cmd.Env = append(os.Environ(), a.Env...)
		out, err := cmd.CombinedOutput()
		t.Logf("walcmd %v: %s", args, out)
		if ee, ok := err.(*exec.ExitError); ok {
			return ee.ExitCode()
		}
		require.NoError(t, err)
		return 0
	}
	seg := filepath.Join(dir, "000000010000000000000001")
	require.NoError(t, os.WriteFile(seg, []byte("one"), 0o600))
	require.Equal(t, wal.ExitOK, run("push", seg))
	require.Equal(t, wal.ExitOK, run("push", seg), "the same file again")
	require.NoError(t, os.WriteFile(seg, []byte("two"), 0o600))
	require.Equal(t, wal.ExitFailed, run("push", seg), "another file under the same name")

	require.Equal(t, wal.ExitOK, run("fetch", "000000010000000000000001", filepath.Join(dir, "RECOVERYXLOG")))
	require.Equal(t, wal.ExitNotFound, run("fetch", "000000010000000000000002", filepath.Join(dir, "RECOVERYXLOG")))
	require.Equal(t, wal.ExitNotFound, run("fetch", "00000002.history", filepath.Join(dir, "RECOVERYHISTORY")))
	require.Equal(t, wal.ExitAbort, run("fetch", "not-a-wal-name", filepath.Join(dir, "x")))
}
