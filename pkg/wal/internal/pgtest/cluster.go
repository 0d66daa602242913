package pgtest

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/arcabackup/arca/pkg/teststack"
)

// Cluster is one private PostgreSQL server.
type Cluster struct {
	Dir  string // data directory
	Port int
	Env  []string // extra environment of the server (archive/restore commands read it)
	Log  string
}

// URL is a superuser connection string.
func (c *Cluster) URL() string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", c.Port)
}

// ConnString is the libpq keyword form, for pg_basebackup -d and pgbench.
func (c *Cluster) ConnString() string {
	return fmt.Sprintf("host=127.0.0.1 port=%d user=postgres dbname=postgres", c.Port)
}

// Init runs initdb in a fresh directory and appends conf lines to
// postgresql.conf. The cluster listens on a free loopback port, no socket.
func Init(t testing.TB, conf ...string) *Cluster {
	t.Helper()
	c := &Cluster{Dir: filepath.Join(Dir(t), "pgdata")}
	c.Log = c.Dir + ".log"
	Run(t, exec.Command(teststack.PGBin(t, "initdb"), "-D", c.Dir, "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8", "--locale=C"))
	lines := append([]string{"listen_addresses = '127.0.0.1'", "unix_socket_directories = ''",
		"fsync = off", "shared_buffers = 32MB", "max_wal_size = 256MB"}, conf...)
	AppendConf(t, c.Dir, lines...)
	return c
}

// Attach describes a data directory someone else prepared (a restore).
func Attach(dir string) *Cluster { return &Cluster{Dir: dir, Log: dir + ".log"} }

// AppendConf appends lines to dir/postgresql.conf.
func AppendConf(t testing.TB, dir string, lines ...string) {
	t.Helper()
	f, err := os.OpenFile(filepath.Join(dir, "postgresql.conf"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = f.Close() }()
	if _, err := f.WriteString(strings.Join(lines, "\n") + "\n"); err != nil {
		t.Fatal(err)
	}
}

// Start starts the server on a free port and stops it (immediate) when the
// test ends. wait says whether pg_ctl waits for it to accept connections.
func (c *Cluster) Start(t testing.TB, wait bool) {
	t.Helper()
	Own(t, c.Dir)
	c.Port = FreePort(t)
	args := []string{"-D", c.Dir, "-l", c.Log, "-o", fmt.Sprintf("-p %d", c.Port), "-t", "120", "start"}
	if wait {
		args = append([]string{"-w"}, args...)
	} else {
		args = append([]string{"-W"}, args...)
	}
	cmd := exec.Command(teststack.PGBin(t, "pg_ctl"), args...)
	cmd.Env = append(os.Environ(), c.Env...)
	if err := runAs(cmd); err != nil {
		log, _ := os.ReadFile(c.Log)
		t.Fatalf("pg_ctl start: %v\n%s", err, log)
	}
	t.Cleanup(func() { c.Stop(t) })
}

// Stop stops the server at once (pg_ctl stop -m immediate); no error if it
// is not running.
func (c *Cluster) Stop(t testing.TB) {
	cmd := exec.Command(teststack.PGBin(t, "pg_ctl"), "-D", c.Dir, "-m", "immediate", "-w", "stop")
	_ = runAs(cmd)
}

// Connect opens a connection, waiting up to a minute for the server.
func (c *Cluster) Connect(t testing.TB) *pgx.Conn {
	t.Helper()
	var conn *pgx.Conn
	teststack.Eventually(t, time.Minute, func() bool {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		var err error
		conn, err = pgx.Connect(ctx, c.URL())
		return err == nil
	}, "PostgreSQL on port "+fmt.Sprint(c.Port))
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

// FreePort finds a free loopback TCP port.
func FreePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = l.Close() }()
	return l.Addr().(*net.TCPAddr).Port
}
