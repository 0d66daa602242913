package pitr

import (
	"archive/tar"
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestUntarRefusesEntriesThatLeaveTheDataDirectory(t *testing.T) {
	t.Parallel()
	for _, h := range []tar.Header{
		{Name: "../escape", Typeflag: tar.TypeReg},
		{Name: "/etc/passwd", Typeflag: tar.TypeReg},
		{Name: "pg_tblspc/16384", Typeflag: tar.TypeSymlink, Linkname: "/elsewhere"},
	} {
		var buf bytes.Buffer
		tw := tar.NewWriter(&buf)
		require.NoError(t, tw.WriteHeader(&h))
		require.NoError(t, tw.Close())
		dir := t.TempDir()
		d := newDurable(nil)
		_, _, err := untar(&buf, dir, d)
		require.NoError(t, d.Wait())
		require.Error(t, err, h.Name)
		_, statErr := os.Stat(filepath.Join(filepath.Dir(dir), "escape"))
		require.True(t, os.IsNotExist(statErr))
	}
}

func TestUntarWritesFilesPrivately(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	require.NoError(t, tw.WriteHeader(&tar.Header{Name: "global/", Typeflag: tar.TypeDir, Mode: 0o755}))
	require.NoError(t, tw.WriteHeader(&tar.Header{Name: "./global/pg_control", Typeflag: tar.TypeReg, Mode: 0o644, Size: 3}))
	_, _ = tw.Write([]byte("abc"))
	require.NoError(t, tw.Close())
	dir := t.TempDir()
	d := newDurable(nil)
	files, n, err := untar(&buf, dir, d)
	require.NoError(t, err)
	require.NoError(t, d.Wait())
	require.Equal(t, 1, files)
	require.Equal(t, int64(3), n)
	fi, err := os.Stat(filepath.Join(dir, "global", "pg_control"))
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
	di, _ := os.Stat(filepath.Join(dir, "global"))
	require.Equal(t, os.FileMode(0o700), di.Mode().Perm())
}
