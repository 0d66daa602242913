package wal_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/teststack"
	"github.com/arcabackup/arca/pkg/wal/internal/pgtest"
)

// readyBacklog counts the segments PostgreSQL has not archived yet.
func readyBacklog(t *testing.T, pgdata string) int {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join(pgdata, "pg_wal", "archive_status"))
	require.NoError(t, err)
	n := 0
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".ready") {
			n++
		}
	}
	return n
}

// TestArchivingKeepsUpUnderPgbench runs pgbench against an archiving cluster
// (archive_timeout 2s) and checks that the .ready backlog drains with no
// failed attempt. How large the backlog is when pgbench ends depends on
// the machine's load (5 segments with four other suites on two cores), so
// it is logged, not asserted: the test may wait longer under load, never
// fail because of it.
// ARCA_WAL_LOAD_SECONDS sets the run's length (30 s).
func TestArchivingKeepsUpUnderPgbench(t *testing.T) {
	t.Parallel()
	seconds := 30
	if v, err := strconv.Atoi(os.Getenv("ARCA_WAL_LOAD_SECONDS")); err == nil && v > 0 {
		seconds = v
	}
	a := pgtest.NewFSArchive(t)
	c := teststack.InitPG(t, a.Conf("2s")...)
	c.Env = a.Env
	c.Start(t, true)
	pgbench := teststack.PGBin(t, "pgbench")
	out, err := exec.Command(pgbench, "-i", "-q", "-s", "5", c.ConnString()).CombinedOutput()
	require.NoError(t, err, "%s", out)
	out, err = exec.Command(pgbench, "-c", "4", "-j", "2", "-T", strconv.Itoa(seconds), "-n", c.ConnString()).CombinedOutput()
	require.NoError(t, err, "%s", out)
	tps := ""
	for _, line := range strings.Split(string(out), "\n") {
		if strings.HasPrefix(line, "tps") {
			tps = line
		}
	}

	atEnd := readyBacklog(t, c.Dir)
	teststack.Eventually(t, 3*time.Minute, func() bool { return readyBacklog(t, c.Dir) == 0 }, "the .ready backlog to drain")
	conn := c.Connect(t)
	var archived, failed int
	require.NoError(t, conn.QueryRow(t.Context(), "SELECT archived_count, failed_count FROM pg_stat_archiver").Scan(&archived, &failed))
	lat, total := a.Latencies(t, "push", false), a.Latencies(t, "push", true)
	require.NotEmpty(t, lat)
	ms := func(d time.Duration) time.Duration { return d.Round(time.Millisecond) }
	t.Logf("pgbench %d s (%s): %d files archived, %d failed attempts, .ready backlog %d when pgbench ended, 0 after; "+
		"wal.Push latency p50 %s p99 %s; whole wal-push command (keyring file load included) p50 %s p99 %s (n=%d)",
		seconds, tps, archived, failed, atEnd, ms(pgtest.Percentile(lat, 0.5)), ms(pgtest.Percentile(lat, 0.99)),
		ms(pgtest.Percentile(total, 0.5)), ms(pgtest.Percentile(total, 0.99)), len(lat))
	require.Zero(t, failed)
}
