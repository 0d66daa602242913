package tenantpitr

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// The server binaries are found from the installed version, and only of the
// backup's major version: a data directory starts under no other.
func TestServerBinDirFindsTheBackupsMajorVersionOnly(t *testing.T) {
	t.Parallel()
	dir, err := ServerBinDir(t.Context(), os.Getenv("ARCA_PG_BINDIR"), 15)
	require.NoError(t, err, "PostgreSQL 15 server binaries (postgresql-15) are required")
	require.FileExists(t, filepath.Join(dir, "pg_ctl"))
	require.FileExists(t, filepath.Join(dir, "postgres"))

	got, err := ServerBinDir(t.Context(), dir, 15)
	require.NoError(t, err)
	require.Equal(t, dir, got, "source.pg_bin_dir is honoured")

	_, err = ServerBinDir(t.Context(), dir, 16)
	require.True(t, errors.Is(err, ErrServerNotFound), "%v", err)
	_, err = ServerBinDir(t.Context(), t.TempDir(), 15)
	require.True(t, errors.Is(err, ErrServerNotFound), "%v", err)
}

func TestServerMajorReadsTheBackupsVersion(t *testing.T) {
	t.Parallel()
	for v, want := range map[string]int{"15": 15, "16": 16, "15.4": 15} {
		got, err := serverMajor(v)
		require.NoError(t, err, v)
		require.Equal(t, want, got, v)
	}
	for _, v := range []string{"", "9.6", "x"} {
		_, err := serverMajor(v)
		require.Error(t, err, v)
	}
}
