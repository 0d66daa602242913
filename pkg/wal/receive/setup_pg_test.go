package receive_test

import (
	"fmt"
	"log/slog"
	"os"
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
	"github.com/arcabackup/arca/pkg/wal/receive"
)

// primary is a private cluster streaming into an archive.
type primary struct {
	archive *pgtest.Archive
	cluster *teststack.PGCluster
	conn    *pgx.Conn
}

// options of newPrimary.
type options struct {
	archiveCommand bool     // also archive with archive_command (walcmd push)
	conf           []string // more postgresql.conf lines
}

func newPrimary(t *testing.T, o options) *primary {
	t.Helper()
	a := pgtest.NewS3Archive(t, gw)
	conf := []string{"wal_level = replica", "max_wal_senders = 10", "wal_sender_timeout = '60s'"}
	if o.archiveCommand {
		conf = a.Conf("0")
	}
	c := teststack.InitPG(t, append(conf, o.conf...)...)
	c.Env = a.Env
	c.Start(t, true)
	conn := c.Connect(t)
	_, err := conn.Exec(t.Context(), "CREATE TABLE note (id int PRIMARY KEY, at timestamptz NOT NULL DEFAULT clock_timestamp())")
	require.NoError(t, err)
	return &primary{archive: a, cluster: c, conn: conn}
}

// receiverConfig streams from p into its archive.
func (p *primary) receiverConfig(t *testing.T) receive.Config {
	return receive.Config{
		WAL: p.archive.Config(), ConnString: p.cluster.ConnString(), CreateSlot: true,
		Interval: 200 * time.Millisecond, MaxBackoff: time.Second,
		Log: slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelInfo})),
	}
}

// running is a receiver in a goroutine; stop cancels it and waits for Run
// to return (idempotent).
type running struct {
	r    *receive.Receiver
	stop func()
}

func start(t *testing.T, cfg receive.Config) *running {
	t.Helper()
	r, err := receive.New(cfg)
	require.NoError(t, err)
	return &running{r: r, stop: teststack.Background(t, "receiver", r.Run)}
}

// flushLSN is the primary's WAL flush position.
func (p *primary) flushLSN(t *testing.T) wal.LSN {
	t.Helper()
	var s string
	require.NoError(t, p.conn.QueryRow(t.Context(), "SELECT pg_current_wal_flush_lsn()::text").Scan(&s))
	l, err := wal.ParseLSN(s)
	require.NoError(t, err)
	return l
}

// waitStored waits until the receiver reports everything the primary has
// flushed as stored in the bucket.
func (p *primary) waitStored(t *testing.T, run *running) {
	t.Helper()
	want := p.flushLSN(t)
	teststack.Eventually(t, 2*time.Minute, func() bool { return run.r.Status().Flushed >= want },
		"WAL up to "+want.String()+" in the bucket")
}

func (p *primary) insert(t *testing.T, from, to int) {
	t.Helper()
	for id := from; id <= to; id++ {
		_, err := p.conn.Exec(t.Context(), "INSERT INTO note (id) VALUES ($1)", id)
		require.NoError(t, err)
	}
}

func (p *primary) switchWAL(t *testing.T) string {
	t.Helper()
	var seg string
	require.NoError(t, p.conn.QueryRow(t.Context(), "SELECT pg_walfile_name(pg_switch_wal())").Scan(&seg))
	return seg
}

func (p *primary) baseBackup(t *testing.T) basebackup.Backup {
	t.Helper()
	b, err := basebackup.Take(t.Context(), basebackup.Config{
		Store: p.archive.Store, Layout: p.archive.Layout, Keys: p.archive.Keys,
		PGBaseBackup: teststack.PGBin(t, "pg_basebackup"), ConnString: p.cluster.ConnString(), FastCheckpoint: true,
		PartSize: 1 << 20, ToolVersion: "test",
	})
	require.NoError(t, err)
	return b
}

// restoreLatest restores the newest base backup with every WAL in the
// archive into a new cluster and returns the ids it holds.
func restoreLatest(t *testing.T, a *pgtest.Archive) []int {
	t.Helper()
	pgdata := filepath.Join(teststack.ServerDir(t), "restored")
	_, err := pitr.Restore(t.Context(), pitr.Config{
		Store: a.Store, Layout: a.Layout, Keys: a.Keys, RestoreCommand: a.RestoreCommand(),
	}, pitr.Target{Latest: true}, pgdata)
	require.NoError(t, err)
	c := teststack.AttachPG(pgdata)
	c.Env = a.Env
	c.Start(t, true)
	conn := c.Connect(t)
	teststack.WaitPromoted(t, conn, 5*time.Minute)
	rows, err := conn.Query(t.Context(), "SELECT id FROM note ORDER BY id")
	require.NoError(t, err)
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int])
	require.NoError(t, err)
	c.Stop(t)
	return ids
}

func seq(from, to int) []int {
	var out []int
	for i := from; i <= to; i++ {
		out = append(out, i)
	}
	return out
}

// objects lists the archive's WAL files by name.
func objects(t *testing.T, a *pgtest.Archive) map[string]wal.Archived {
	t.Helper()
	files, err := wal.List(t.Context(), a.Config())
	require.NoError(t, err)
	out := map[string]wal.Archived{}
	for _, f := range files {
		out[f.Name] = f
	}
	return out
}

// testWriter sends the receiver's log to the test's.
type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(string(p[:len(p)-1]))
	return len(p), nil
}

func readPGWAL(t *testing.T, c *teststack.PGCluster, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(c.Dir, "pg_wal", name))
	require.NoError(t, err, fmt.Sprintf("pg_wal/%s", name))
	return b
}

// makeReceiverSynchronous makes wal-receive the synchronous standby: a
// commit returns once its WAL is in the bucket.
func (p *primary) makeReceiverSynchronous(t *testing.T) {
	t.Helper()
	_, err := p.conn.Exec(t.Context(), "ALTER SYSTEM SET synchronous_standby_names = 'arca_wal_receive'")
	require.NoError(t, err)
	_, err = p.conn.Exec(t.Context(), "SELECT pg_reload_conf()")
	require.NoError(t, err)
	teststack.Eventually(t, time.Minute, func() bool {
		var state string
		err := p.conn.QueryRow(t.Context(), "SELECT sync_state FROM pg_stat_replication WHERE application_name = 'arca_wal_receive'").Scan(&state)
		return err == nil && state == "sync"
	}, "the receiver to be the synchronous standby")
}
