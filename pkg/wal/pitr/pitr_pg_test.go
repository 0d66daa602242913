package pitr_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/teststack"
	"github.com/arcabackup/arca/pkg/wal"
	"github.com/arcabackup/arca/pkg/wal/basebackup"
	"github.com/arcabackup/arca/pkg/wal/internal/pgtest"
	"github.com/arcabackup/arca/pkg/wal/pitr"
)

// primary is an archiving cluster with a base backup taken.
type primary struct {
	archive *pgtest.Archive
	cluster *teststack.PGCluster
	conn    *pgx.Conn
	backup  basebackup.Backup
}

func newPrimary(t *testing.T, archive *pgtest.Archive) primary {
	t.Helper()
	c := teststack.InitPG(t, archive.Conf("2s")...)
	c.Env = archive.Env
	c.Start(t, true)
	conn := c.Connect(t)
	_, err := conn.Exec(t.Context(), "CREATE TABLE note (id int PRIMARY KEY, body text)")
	require.NoError(t, err)
	insert(t, conn, 1)
	b, err := basebackup.Take(t.Context(), basebackup.Config{
		Store: archive.Store, Layout: archive.Layout, Keys: archive.Keys,
		PGBaseBackup: teststack.PGBin(t, "pg_basebackup"), ConnString: c.ConnString(), FastCheckpoint: true,
		PartSize: 1 << 20, ToolVersion: "test",
	})
	require.NoError(t, err)
	return primary{archive: archive, cluster: c, conn: conn, backup: b}
}

func insert(t *testing.T, conn *pgx.Conn, id int) {
	t.Helper()
	_, err := conn.Exec(t.Context(), "INSERT INTO note VALUES ($1, $2)", id, fmt.Sprint("row ", id))
	require.NoError(t, err)
}

// serverTime is the server's clock, between the transactions around it.
func serverTime(t *testing.T, conn *pgx.Conn) time.Time {
	var ts time.Time
	require.NoError(t, conn.QueryRow(t.Context(), "SELECT clock_timestamp()").Scan(&ts))
	return ts
}

// switchAndWait closes the current segment and waits until it is archived.
func (p primary) switchAndWait(t *testing.T) string { return switchAndWait(t, p.conn) }

func switchAndWait(t testing.TB, conn *pgx.Conn) string {
	t.Helper()
	var seg string
	require.NoError(t, conn.QueryRow(t.Context(), "SELECT pg_walfile_name(pg_switch_wal())").Scan(&seg))
	teststack.Eventually(t, 5*time.Minute, func() bool {
		var last *string
		err := conn.QueryRow(t.Context(), "SELECT last_archived_wal FROM pg_stat_archiver").Scan(&last)
		return err == nil && last != nil && *last >= seg
	}, "segment "+seg+" archived")
	return seg
}

// restoreAndStart restores into a new directory, starts it and waits until
// recovery ended; it returns the ids in the restored table.
func (p primary) restoreAndStart(t *testing.T, target pitr.Target) []int {
	t.Helper()
	pgdata := filepath.Join(teststack.ServerDir(t), "restored")
	res, err := pitr.Restore(t.Context(), pitr.Config{
		Store: p.archive.Store, Layout: p.archive.Layout, Keys: p.archive.Keys,
		RestoreCommand: p.archive.RestoreCommand(),
	}, target, pgdata)
	require.NoError(t, err)
	require.Equal(t, p.backup.Manifest.BackupID, res.Backup.Manifest.BackupID)
	c := teststack.AttachPG(pgdata)
	c.Env = p.archive.Env
	c.Start(t, true)
	conn := c.Connect(t)
	teststack.WaitPromoted(t, conn, time.Minute)
	rows, err := conn.Query(t.Context(), "SELECT id FROM note ORDER BY id")
	require.NoError(t, err)
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int])
	require.NoError(t, err)
	return ids
}

func TestPITRRestoresExactlyTheRowsCommittedBeforeTheTarget(t *testing.T) {
	t.Parallel()
	p := newPrimary(t, pgtest.NewFSArchive(t))
	f := p.backup.Facts
	require.Equal(t, uint32(1), f.Timeline)
	require.NotEmpty(t, f.StartWAL)
	require.NotEmpty(t, f.StopLSN)
	require.Equal(t, "15", f.ServerVersion)
	require.Greater(t, len(p.backup.Manifest.Object.Parts), 1, "parts of 1 MiB")

	insert(t, p.conn, 2)
	insert(t, p.conn, 3)
	targetTime := serverTime(t, p.conn)
	var targetLSN string
	require.NoError(t, p.conn.QueryRow(t.Context(), "SELECT pg_current_wal_insert_lsn()::text").Scan(&targetLSN))
	insert(t, p.conn, 4)
	insert(t, p.conn, 5)
	p.switchAndWait(t)

	t.Run("target time", func(t *testing.T) {
		t.Parallel()
		require.Equal(t, []int{1, 2, 3}, p.restoreAndStart(t, pitr.Target{Time: targetTime}))
	})
	t.Run("target LSN", func(t *testing.T) {
		t.Parallel()
		require.Equal(t, []int{1, 2, 3}, p.restoreAndStart(t, pitr.Target{LSN: targetLSN}))
	})
	t.Run("latest", func(t *testing.T) {
		t.Parallel()
		require.Equal(t, []int{1, 2, 3, 4, 5}, p.restoreAndStart(t, pitr.Target{Latest: true}))
	})
}

func TestContinuityOfARealArchiveFailsWhenASegmentIsDeleted(t *testing.T) {
	t.Parallel()
	p := newPrimary(t, pgtest.NewFSArchive(t))
	for i := 2; i <= 4; i++ {
		insert(t, p.conn, i)
		p.switchAndWait(t)
	}
	cfg := p.archive.Config()
	found, err := basebackup.List(t.Context(), p.archive.Store, p.archive.Layout, p.archive.Keys)
	require.NoError(t, err)
	require.NoError(t, found.Err())
	backups := found.Backups
	require.Len(t, backups, 1)
	c, err := wal.CheckContinuity(t.Context(), cfg, basebackup.WALBases(backups), wal.CheckOptions{MaxAge: time.Hour})
	require.NoError(t, err)
	require.True(t, c.OK(), "%v", c.Err())

	start, _ := wal.ParseName(p.backup.Facts.StartWAL)
	middle := wal.NextSegment(start, wal.DefaultSegmentSize)
	require.Less(t, middle, c.Newest.Name)
	require.NoError(t, p.archive.Store.Delete(t.Context(), p.archive.Layout.WAL(start.TimelineDir(), middle)))
	c, err = wal.CheckContinuity(context.Background(), cfg, basebackup.WALBases(backups), wal.CheckOptions{MaxAge: time.Hour})
	require.NoError(t, err)
	require.Equal(t, []wal.Gap{{Backup: p.backup.Manifest.BackupID, First: middle, Last: middle}}, c.Gaps)
	require.Error(t, c.Err())
}

// TestPITRLatestFromS3 runs archiving, a base backup (a multipart upload of
// unknown size) and recovery through the S3 store.
func TestPITRLatestFromS3(t *testing.T) {
	t.Parallel()
	p := newPrimary(t, pgtest.NewS3Archive(t, teststack.NewVersityGW(t)))
	insert(t, p.conn, 2)
	p.switchAndWait(t)
	require.Equal(t, []int{1, 2}, p.restoreAndStart(t, pitr.Target{Latest: true}))
}

// A cluster restored into the past and left archiving (KeepArchiving, the
// old default) cannot fork production's archive: its timeline history is
// refused, as a fork from history timeline 1 went on writing, and so is
// every file of its timeline; the primary goes on archiving. By default a
// restored cluster does not archive at all. Before, the restored cluster
// pushed a timeline-2 history and segment into the production prefix and
// `restore pitr --latest` followed it.
func TestRestoredClusterCannotForkTheArchive(t *testing.T) {
	t.Parallel()
	p := newPrimary(t, pgtest.NewFSArchive(t))
	insert(t, p.conn, 2)
	targetTime := serverTime(t, p.conn)
	insert(t, p.conn, 3)
	p.switchAndWait(t)
	insert(t, p.conn, 4)
	p.switchAndWait(t) // timeline 1 is archived past the restore's switch point

	start := func(t *testing.T, keep bool) (*teststack.PGCluster, *pgx.Conn) {
		pgdata := filepath.Join(teststack.ServerDir(t), "restored")
		_, err := pitr.Restore(t.Context(), pitr.Config{
			Store: p.archive.Store, Layout: p.archive.Layout, Keys: p.archive.Keys,
			RestoreCommand: p.archive.RestoreCommand(), KeepArchiving: keep,
		}, pitr.Target{Time: targetTime}, pgdata)
		require.NoError(t, err)
		c := teststack.AttachPG(pgdata)
		c.Env = p.archive.Env
		c.Start(t, true)
		conn := c.Connect(t)
		teststack.WaitPromoted(t, conn, 2*time.Minute)
		return c, conn
	}
	timeline2 := func() int {
		n := 0
		for _, f := range mustList(t, p.archive.Config()) {
			if f.Timeline == 2 {
				n++
			}
		}
		return n
	}

	t.Run("archiving off by default", func(t *testing.T) {
		_, conn := start(t, false)
		var mode string
		require.NoError(t, conn.QueryRow(t.Context(), "SHOW archive_mode").Scan(&mode))
		require.Equal(t, "off", mode)
	})
	t.Run("kept archiving, refused", func(t *testing.T) {
		_, conn := start(t, true)
		teststack.Eventually(t, 2*time.Minute, func() bool {
			var failed int
			return conn.QueryRow(t.Context(), "SELECT failed_count FROM pg_stat_archiver").Scan(&failed) == nil && failed > 0
		}, "the restored cluster's archiving refused")
		require.Zero(t, timeline2(), "nothing of timeline 2 in the archive")
		insert(t, p.conn, 5)
		p.switchAndWait(t)
		require.Zero(t, timeline2())
		c, err := wal.CheckContinuity(t.Context(), p.archive.Config(), nil, wal.CheckOptions{})
		require.NoError(t, err)
		require.Empty(t, c.Forks)
	})
}

func mustList(t *testing.T, cfg wal.Config) []wal.Archived {
	t.Helper()
	files, err := wal.List(t.Context(), cfg)
	require.NoError(t, err)
	return files
}
