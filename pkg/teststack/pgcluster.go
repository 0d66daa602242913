package teststack

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// PGCluster is a private PostgreSQL server for the tests that reconfigure,
// archive, restore or kill one: initdb and pg_ctl of the test server's
// version (PGBin), a data directory in the test's temporary directory, a
// free loopback port and no socket, stopped at once when the test ends.
type PGCluster struct {
	Dir  string   // data directory
	Port int      // set by Start; kept across restarts once chosen
	Env  []string // extra environment of the server (archive_command and restore_command read it)
	Log  string   // the server's log file
}

// InitPG runs initdb in a fresh directory and appends conf to
// postgresql.conf after settings for tests (loopback only, no fsync).
func InitPG(t testing.TB, conf ...string) *PGCluster {
	t.Helper()
	return InitPGIn(t, filepath.Join(ServerDir(t), "pgdata"), conf...)
}

// InitPGIn is InitPG with the data directory at pgdata, in a directory the
// server account can write (ServerDir).
func InitPGIn(t testing.TB, pgdata string, conf ...string) *PGCluster {
	t.Helper()
	c := AttachPG(pgdata)
	RunAsServer(t, exec.Command(PGBin(t, "initdb"), "-D", c.Dir, "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8", "--locale=C"))
	c.AppendConf(t, append([]string{"listen_addresses = '127.0.0.1'", "unix_socket_directories = ''",
		"fsync = off", "shared_buffers = 32MB", "max_wal_size = 256MB"}, conf...)...)
	return c
}

// AttachPG describes a data directory prepared some other way (a restore).
func AttachPG(dir string) *PGCluster { return &PGCluster{Dir: dir, Log: dir + ".log"} }

// URL is a superuser connection string to database postgres.
func (c *PGCluster) URL() string { return c.DBURL("postgres") }

// DBURL is a superuser connection string to database db.
func (c *PGCluster) DBURL(db string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", c.Port, db)
}

// ConnString is the libpq keyword form, for pg_basebackup -d and pgbench.
func (c *PGCluster) ConnString() string {
	return fmt.Sprintf("host=127.0.0.1 port=%d user=postgres dbname=postgres", c.Port)
}

// AppendConf appends lines to postgresql.conf.
func (c *PGCluster) AppendConf(t testing.TB, lines ...string) {
	t.Helper()
	f, err := os.OpenFile(filepath.Join(c.Dir, "postgresql.conf"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString(strings.Join(lines, "\n") + "\n"); err != nil {
		_ = f.Close()
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// Start starts the server, on a free port the first time, and stops it
// (immediate) when the test ends. wait says whether pg_ctl waits for it to
// accept connections.
func (c *PGCluster) Start(t testing.TB, wait bool) {
	t.Helper()
	OwnByServer(t, c.Dir)
	if c.Port == 0 {
		c.Port = FreePort(t)
	}
	mode := "-W"
	if wait {
		mode = "-w"
	}
	cmd := exec.Command(PGBin(t, "pg_ctl"), mode, "-D", c.Dir, "-l", c.Log, "-o", "-p "+strconv.Itoa(c.Port), "-t", "600", "start")
	cmd.Env = append(os.Environ(), c.Env...)
	if out, err := AsServer(cmd).CombinedOutput(); err != nil {
		log, _ := os.ReadFile(c.Log)
		t.Fatalf("pg_ctl start: %v: %s\n%s", err, out, log)
	}
	t.Cleanup(func() { c.Stop(t) })
}

// Stop stops the server at once (pg_ctl stop -m immediate); no error if it
// is not running.
func (c *PGCluster) Stop(t testing.TB) {
	_ = AsServer(exec.Command(PGBin(t, "pg_ctl"), "-D", c.Dir, "-m", "immediate", "-w", "stop")).Run()
}

// Connect opens a connection to database postgres; see ConnectDB.
func (c *PGCluster) Connect(t testing.TB) *pgx.Conn { return c.ConnectDB(t, "postgres") }

// ConnectDB opens a connection to database db, waiting up to two minutes
// for the server, and closes it when the test ends.
func (c *PGCluster) ConnectDB(t testing.TB, db string) *pgx.Conn {
	t.Helper()
	var conn *pgx.Conn
	Eventually(t, 2*time.Minute, func() bool {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		var err error
		conn, err = pgx.Connect(ctx, c.DBURL(db))
		return err == nil
	}, "PostgreSQL on port "+strconv.Itoa(c.Port))
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

// FreePort finds a free loopback TCP port.
func FreePort(t testing.TB) int {
	t.Helper()
	p, err := freePort()
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// Commit runs sql in its own transaction and returns its commit time as the
// WAL records it, what recovery compares a target time with (the server
// needs track_commit_timestamp = on).
func Commit(t testing.TB, conn *pgx.Conn, sql string, args ...any) time.Time {
	t.Helper()
	if _, err := conn.Exec(t.Context(), sql, args...); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	var at time.Time
	if err := conn.QueryRow(t.Context(), "SELECT timestamp FROM pg_last_committed_xact()").Scan(&at); err != nil {
		t.Fatal(err)
	}
	return at
}

// ArchiveCurrentWAL closes the current WAL segment and waits until it is
// archived.
func ArchiveCurrentWAL(t testing.TB, conn *pgx.Conn) {
	t.Helper()
	var seg string
	if err := conn.QueryRow(t.Context(), "SELECT pg_walfile_name(pg_switch_wal())").Scan(&seg); err != nil {
		t.Fatal(err)
	}
	Eventually(t, 5*time.Minute, func() bool {
		var last *string
		err := conn.QueryRow(t.Context(), "SELECT last_archived_wal FROM pg_stat_archiver").Scan(&last)
		return err == nil && last != nil && *last >= seg
	}, "segment "+seg+" archived")
}

// WaitClockPast waits until the server's clock is past at.
func WaitClockPast(t testing.TB, conn *pgx.Conn, at time.Time) {
	t.Helper()
	Eventually(t, 2*time.Minute, func() bool {
		var now time.Time
		return conn.QueryRow(t.Context(), "SELECT clock_timestamp()").Scan(&now) == nil && now.After(at)
	}, "server clock past "+at.String())
}

// WaitPromoted waits (timeout, at least MinWait) until the server on conn
// has ended recovery and promoted: a restored cluster that takes writes.
func WaitPromoted(t testing.TB, conn *pgx.Conn, timeout time.Duration) {
	t.Helper()
	Eventually(t, timeout, func() bool {
		var inRecovery bool
		return conn.QueryRow(t.Context(), "SELECT pg_is_in_recovery()").Scan(&inRecovery) == nil && !inRecovery
	}, "recovery to end and the server to promote")
}
