package gameday_test

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/arcabackup/arca/pkg/teststack"
)

// serverIDs is the postgres account when the game day runs as root:
// PostgreSQL refuses to run as root.
func serverIDs() (uid, gid int, ok bool) {
	if os.Geteuid() != 0 {
		return 0, 0, false
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return 0, 0, false
	}
	uid, _ = strconv.Atoi(u.Uid)
	gid, _ = strconv.Atoi(u.Gid)
	return uid, gid, true
}

// asServer makes cmd run as the server account when root.
func asServer(cmd *exec.Cmd) *exec.Cmd {
	if uid, gid, ok := serverIDs(); ok {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}}
	}
	return cmd
}

// serverDir is a temporary directory the server account owns.
func serverDir(t *testing.T) string {
	t.Helper()
	d := t.TempDir()
	if uid, gid, ok := serverIDs(); ok {
		for p := d; p != "/" && p != os.TempDir(); p = filepath.Dir(p) {
			_ = os.Chmod(p, 0o755)
		}
		if err := os.Chown(d, uid, gid); err != nil {
			t.Fatal(err)
		}
	}
	return d
}

// own gives p (recursively) to the server account when root.
func own(t *testing.T, p string) {
	t.Helper()
	uid, gid, ok := serverIDs()
	if !ok {
		return
	}
	if err := filepath.Walk(p, func(q string, _ os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(q, uid, gid)
	}); err != nil {
		t.Fatal(err)
	}
}

// cluster is one private PostgreSQL server on a loopback port.
type cluster struct {
	pgdata string
	port   int
	env    []string // the server's environment: what wal-push and wal-fetch read
}

func (c *cluster) url(db string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", c.port, db)
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// initCluster runs initdb in dir/name and appends conf to postgresql.conf.
func initCluster(t *testing.T, dir, name string, env []string, conf ...string) *cluster {
	t.Helper()
	c := &cluster{pgdata: filepath.Join(dir, name), env: env}
	serverRun(t, nil, teststack.PGBin(t, "initdb"), "-D", c.pgdata, "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8", "--locale=C")
	lines := append([]string{"listen_addresses = '127.0.0.1'", "unix_socket_directories = ''", "fsync = off",
		"shared_buffers = 32MB", "max_wal_size = 256MB", "track_commit_timestamp = on"}, conf...)
	appendConf(t, c.pgdata, lines...)
	return c
}

func appendConf(t *testing.T, pgdata string, lines ...string) {
	t.Helper()
	f, err := os.OpenFile(filepath.Join(pgdata, "postgresql.conf"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(strings.Join(lines, "\n") + "\n"); err != nil {
		t.Fatal(err)
	}
}

// startOn starts the server on port; it is stopped when the test ends.
func (c *cluster) startOn(t *testing.T, port int) {
	t.Helper()
	own(t, c.pgdata)
	c.port = port
	serverRun(t, c.env, teststack.PGBin(t, "pg_ctl"), "-D", c.pgdata, "-l", c.pgdata+".log", "-o", "-p "+strconv.Itoa(c.port), "-w", "-t", "600", "start")
	t.Cleanup(func() { c.stop(t) })
}

// stop stops the server at once; no error if it is not running.
func (c *cluster) stop(t *testing.T) {
	_ = asServer(exec.Command(teststack.PGBin(t, "pg_ctl"), "-D", c.pgdata, "-m", "immediate", "-w", "stop")).Run()
}

func serverRun(t *testing.T, env []string, bin string, args ...string) {
	t.Helper()
	cmd := asServer(exec.Command(bin, args...))
	cmd.Env = append(os.Environ(), env...)
	if out, err := cmd.CombinedOutput(); err != nil {
		log, _ := os.ReadFile(args[1] + ".log")
		t.Fatalf("%s %s: %v: %s\n%s", filepath.Base(bin), strings.Join(args, " "), err, out, log)
	}
}

// connect opens a connection, waiting for the server.
func (c *cluster) connect(t *testing.T, db string) *pgx.Conn {
	t.Helper()
	var conn *pgx.Conn
	teststack.Eventually(t, 2*time.Minute, func() bool {
		ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
		defer cancel()
		var err error
		conn, err = pgx.Connect(ctx, c.url(db))
		return err == nil
	}, "PostgreSQL on port "+strconv.Itoa(c.port))
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

// commit runs sql in its own transaction and returns its commit time as
// the WAL records it (what recovery compares a target time with).
func commit(t *testing.T, conn *pgx.Conn, sql string, args ...any) time.Time {
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

// archiveAll closes the current WAL segment and waits until it is archived.
func archiveAll(t *testing.T, conn *pgx.Conn) {
	t.Helper()
	var seg string
	if err := conn.QueryRow(t.Context(), "SELECT pg_walfile_name(pg_switch_wal())").Scan(&seg); err != nil {
		t.Fatal(err)
	}
	teststack.Eventually(t, 5*time.Minute, func() bool {
		var last *string
		err := conn.QueryRow(t.Context(), "SELECT last_archived_wal FROM pg_stat_archiver").Scan(&last)
		return err == nil && last != nil && *last >= seg
	}, "segment "+seg+" archived")
}

// waitClockPast waits until the server's clock is past at.
func waitClockPast(t *testing.T, conn *pgx.Conn, at time.Time) {
	t.Helper()
	teststack.Eventually(t, time.Minute, func() bool {
		var now time.Time
		return conn.QueryRow(t.Context(), "SELECT clock_timestamp()").Scan(&now) == nil && now.After(at)
	}, "server clock past "+at.String())
}
