package pitr

import (
	"archive/tar"
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// syncRecorder records what is fsynced, then fsyncs it.
type syncRecorder struct {
	mu     sync.Mutex
	synced []string
	fail   string // fsync of this path fails
}

func (r *syncRecorder) sync(f *os.File) error {
	r.mu.Lock()
	r.synced = append(r.synced, f.Name())
	r.mu.Unlock()
	if f.Name() == r.fail {
		return errors.New("injected fsync failure")
	}
	return f.Sync()
}

func TestRestoredFilesAndDirectoriesAreFsynced(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	names := []string{"PG_VERSION", "global/pg_control", "base/1/1259", "base/1/1259_fsm", "base/5/2600"}
	for _, n := range names {
		require.NoError(t, tw.WriteHeader(&tar.Header{Name: n, Typeflag: tar.TypeReg, Mode: 0o600, Size: 4}))
		_, err := tw.Write([]byte("page"))
		require.NoError(t, err)
	}
	require.NoError(t, tw.Close())
	pgdata := filepath.Join(t.TempDir(), "pgdata")
	require.NoError(t, os.Mkdir(pgdata, 0o700))

	rec := &syncRecorder{}
	d := newDurable(rec.sync)
	_, _, err := untar(&buf, pgdata, d)
	require.NoError(t, err)
	require.NoError(t, d.Wait())
	require.NoError(t, writeRecovery(pgdata, []string{"restore_command = 'x %f %p'"}, rec.sync))
	require.NoError(t, syncTree(pgdata, rec.sync))

	want := []string{filepath.Dir(pgdata), pgdata, "postgresql.auto.conf", "recovery.signal", "global", "base", "base/1", "base/5"}
	want = append(want, names...)
	for i, w := range want[2:] {
		want[i+2] = filepath.Join(pgdata, w)
	}
	require.ElementsMatch(t, want, rec.synced)
	// A directory is synced after everything in it.
	idx := func(p string) int {
		for i, s := range rec.synced {
			if s == p {
				return i
			}
		}
		return -1
	}
	require.Greater(t, idx(filepath.Join(pgdata, "base")), idx(filepath.Join(pgdata, "base", "1")))
	require.Greater(t, idx(pgdata), idx(filepath.Join(pgdata, "recovery.signal")))
}

func TestAFailedFsyncFailsTheUnpack(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	require.NoError(t, tw.WriteHeader(&tar.Header{Name: "global/pg_control", Typeflag: tar.TypeReg, Mode: 0o600, Size: 1}))
	_, _ = tw.Write([]byte("x"))
	require.NoError(t, tw.Close())
	dir := t.TempDir()
	rec := &syncRecorder{fail: filepath.Join(dir, "global", "pg_control")}
	d := newDurable(rec.sync)
	_, _, err := untar(&buf, dir, d)
	require.NoError(t, err)
	require.ErrorContains(t, d.Wait(), "injected fsync failure")

	rec = &syncRecorder{fail: filepath.Join(dir, "global")}
	require.ErrorContains(t, syncTree(dir, rec.sync), "injected fsync failure")
}

func TestRestoreFilesAreSyncedByDefault(t *testing.T) {
	// Not parallel: it swaps the package's default sync function.
	rec := &syncRecorder{}
	saved := fileSync
	fileSync = rec.sync
	t.Cleanup(func() { fileSync = saved })
	pgdata := t.TempDir()
	var cfg Config // as a caller builds it: no sync function of its own
	require.NoError(t, writeRecovery(pgdata, []string{"restore_command = 'x %f %p'"}, cfg.syncFile))
	d := newDurable(cfg.syncFile)
	f, err := os.Create(filepath.Join(pgdata, "PG_VERSION"))
	require.NoError(t, err)
	d.Close(f)
	require.NoError(t, d.Wait())
	require.NoError(t, syncTree(pgdata, cfg.syncFile))
	for _, p := range []string{"PG_VERSION", "postgresql.auto.conf", "recovery.signal", ""} {
		require.Contains(t, rec.synced, filepath.Join(pgdata, p), "fsynced by default")
	}
}
