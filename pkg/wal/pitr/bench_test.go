package pitr_test

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/teststack"
	"github.com/arcabackup/arca/pkg/wal"
	"github.com/arcabackup/arca/pkg/wal/basebackup"
	"github.com/arcabackup/arca/pkg/wal/internal/pgtest"
	"github.com/arcabackup/arca/pkg/wal/pitr"
)

// BenchmarkBaseBackupAndReplay compares, on one cluster in one run:
//
//	basebackup/pg_basebackup  pg_basebackup -Ft -D - -X none > /dev/null (before and after arca)
//	basebackup/arca           basebackup.Take into a filesystem store (tar → sealed parts → Put)
//	replay/cp                 recovery of the same WAL with restore_command = 'cp <dir>/%f %p'
//	replay/arca               recovery with restore_command = 'walcmd fetch %f %p' (prefetch 8)
//
// ARCA_BENCH_SCALE (20) is pgbench's scale, ARCA_BENCH_WAL_SECONDS (20) the
// pgbench run that produces the WAL to replay. Run once:
//
//	go test ./pitr -run '^$' -bench BaseBackupAndReplay -benchtime 1x
func BenchmarkBaseBackupAndReplay(b *testing.B) {
	scale, secs := envInt("ARCA_BENCH_SCALE", 20), envInt("ARCA_BENCH_WAL_SECONDS", 20)
	a := pgtest.NewFSArchive(b)
	c := teststack.InitPG(b, a.Conf("60s")...)
	c.Env = a.Env
	c.Start(b, true)
	pgbench := teststack.PGBin(b, "pgbench")
	out, err := exec.Command(pgbench, "-i", "-q", "-s", strconv.Itoa(scale), c.ConnString()).CombinedOutput()
	require.NoError(b, err, "%s", out)
	conn := c.Connect(b)
	checkpoint := func(b *testing.B) { // both backups start from a clean buffer pool
		b.StopTimer()
		_, err := conn.Exec(b.Context(), "CHECKPOINT")
		require.NoError(b, err)
		b.StartTimer()
	}

	baseline := func(b *testing.B) {
		for b.Loop() {
			checkpoint(b)
			cmd := exec.Command(teststack.PGBin(b, "pg_basebackup"), "-d", c.ConnString(), "-D", "-", "-Ft", "-X", "none", "-c", "fast")
			stdout, err := cmd.StdoutPipe()
			require.NoError(b, err)
			require.NoError(b, cmd.Start())
			n, err := io.Copy(io.Discard, stdout)
			require.NoError(b, err)
			require.NoError(b, cmd.Wait())
			b.ReportMetric(float64(n)/1e6/b.Elapsed().Seconds(), "MB/s")
		}
	}
	b.Run("basebackup/pg_basebackup", baseline)
	var base basebackup.Backup
	b.Run("basebackup/arca", func(b *testing.B) {
		for b.Loop() {
			checkpoint(b)
			base, err = basebackup.Take(b.Context(), basebackup.Config{Store: a.Store, Layout: a.Layout, Keys: a.Keys,
				PGBaseBackup: teststack.PGBin(b, "pg_basebackup"), ConnString: c.ConnString(), FastCheckpoint: true})
			require.NoError(b, err)
			b.ReportMetric(float64(base.Manifest.PlainSize)/1e6/b.Elapsed().Seconds(), "MB/s")
			b.ReportMetric(float64(base.Manifest.PlainSize)/float64(base.Manifest.Object.Size), "ratio")
		}
	})
	b.Run("basebackup/pg_basebackup", baseline) // again: neither side gets the warmer cache

	// WAL to replay: a pgbench run after the base backup, all archived, and
	// the same segments in plain form in a local directory for cp.
	out, err = exec.Command(pgbench, "-c", "4", "-j", "2", "-T", strconv.Itoa(secs), "-n", c.ConnString()).CombinedOutput()
	require.NoError(b, err, "%s", out)
	last := switchAndWait(b, conn)
	local := teststack.ServerDir(b)
	cfg := a.Config()
	cfg.Prefetch = -1
	files, err := wal.List(b.Context(), cfg)
	require.NoError(b, err)
	var walBytes int64
	var segments int
	for _, f := range files {
		if f.Kind == wal.KindSegment && f.Name >= base.Facts.StartWAL && f.Name <= last {
			res, err := wal.Fetch(b.Context(), cfg, f.Name, filepath.Join(local, f.Name))
			require.NoError(b, err)
			walBytes += res.Bytes
			segments++
		}
	}
	teststack.OwnByServer(b, local)
	b.Logf("replaying %d segments (%d MB) from base backup %s", segments, walBytes>>20, base.Manifest.BackupID)

	replay := func(b *testing.B, restoreCommand string) {
		for b.Loop() {
			b.StopTimer()
			pgdata := filepath.Join(teststack.ServerDir(b), "restored")
			_, err := pitr.Restore(b.Context(), pitr.Config{Store: a.Store, Layout: a.Layout, Keys: a.Keys,
				RestoreCommand: restoreCommand, BackupID: base.Manifest.BackupID},
				pitr.Target{Latest: true}, pgdata)
			require.NoError(b, err)
			r := teststack.AttachPG(pgdata)
			r.Env = a.Env
			b.StartTimer()
			start := time.Now()
			r.Start(b, false)
			conn := r.Connect(b)
			teststack.WaitPromoted(b, conn, 10*time.Minute)
			d := time.Since(start)
			b.ReportMetric(d.Seconds(), "s/replay")
			b.ReportMetric(float64(walBytes)/1e6/d.Seconds(), "MB/s")
			r.Stop(b)
		}
	}
	b.Run("replay/cp", func(b *testing.B) { replay(b, fmt.Sprintf("cp %s/%%f %%p", local)) })
	b.Run("replay/arca", func(b *testing.B) {
		replay(b, a.RestoreCommand())
		call, total := a.Latencies(b, "fetch", false), a.Latencies(b, "fetch", true)
		b.Logf("wal-fetch: %d files restored; call p50 %s max %s; whole command p50 %s max %s; sum of whole commands %s (%d more calls answered 'not found')",
			len(call), pgtest.Percentile(call, 0.5), call[len(call)-1], pgtest.Percentile(total, 0.5), total[len(total)-1], sum(total),
			a.Failed(b, "fetch"))
	})
}

func sum(ds []time.Duration) (s time.Duration) {
	for _, d := range ds {
		s += d
	}
	return s
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}
