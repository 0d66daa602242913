package pgbin_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/pgbin"
	"github.com/arcabackup/arca/pkg/teststack"
)

// No test here runs in parallel: one that writes a fake program and runs it
// while another test of this process forks finds it "text file busy" (the
// child holds the file open until it execs), seen on a loaded CI machine.

// The installed server's programs are found by major version alone, and
// report that version.
func TestFindsTheInstalledServersPrograms(t *testing.T) {
	dir, err := teststack.PGBinDir(t.Context())
	require.NoError(t, err)
	want, err := pgbin.Major(t.Context(), filepath.Join(dir, "pg_ctl"))
	require.NoError(t, err)
	for _, name := range []string{"pg_ctl", "pg_dump", "postgres"} {
		b, err := pgbin.Find(t.Context(), "", name, want, nil)
		require.NoError(t, err, name)
		require.Equal(t, want, b.Major, name)
		require.Equal(t, name, filepath.Base(b.Path))
	}
}

// A configured directory is the only place looked in.
func TestAConfiguredDirectoryIsTheOnlyPlace(t *testing.T) {
	_, err := pgbin.Find(t.Context(), t.TempDir(), "pg_dump", 15, nil)
	require.ErrorIs(t, err, pgbin.ErrNotFound)
}

// A candidate the caller refuses is reported with the caller's reason, and
// its version is read from the program itself.
func TestARefusedVersionIsReported(t *testing.T) {
	dir := t.TempDir()
	fake := "#!/bin/sh\necho 'pg_dump (PostgreSQL) 9.6.24'\n"
	require.NoError(t, os.WriteFile(filepath.Join(dir, "pg_dump"), []byte(fake), 0o700))
	tooOld := errors.New("too old")
	var seen pgbin.Binary
	_, err := pgbin.Find(t.Context(), dir, "pg_dump", 15, func(b pgbin.Binary) error { seen = b; return tooOld })
	require.ErrorIs(t, err, tooOld)
	require.NotErrorIs(t, err, pgbin.ErrNotFound)
	require.Equal(t, 9, seen.Major)
	require.Contains(t, err.Error(), filepath.Join(dir, "pg_dump"))
}

func TestUnrecognisedVersionOutput(t *testing.T) {
	p := filepath.Join(t.TempDir(), "pg_ctl")
	require.NoError(t, os.WriteFile(p, []byte("#!/bin/sh\necho hello\n"), 0o700))
	_, err := pgbin.Major(t.Context(), p)
	require.ErrorContains(t, err, "unrecognised output")
}
