package roundtrip_test

import (
	"context"
	"fmt"
	"io"
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
	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/archive"
	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/objstore/fsstore"
	"github.com/arcabackup/arca/pkg/restore/tenantpitr"
	"github.com/arcabackup/arca/pkg/seal/keyring"
	"github.com/arcabackup/arca/pkg/tenancy"
	"github.com/arcabackup/arca/pkg/teststack"
	"github.com/arcabackup/arca/pkg/wal/basebackup"
	"github.com/arcabackup/arca/pkg/wal/pitr"
	"github.com/arcabackup/arca/services/exporter/tenantexport"
)

// primary is a private PostgreSQL cluster archiving WAL into a filesystem
// bucket through the wal module's walcmd (what `arca wal-push` and
// `arca wal-fetch` run), with commit timestamps tracked so that a test
// knows exactly when each of its transactions committed.
type primary struct {
	dir     string // server-owned test directory
	pgdata  string
	port    int
	env     []string // walcmd's configuration
	walcmd  string
	pitr    pitr.Config
	adminDB string
}

// pgOwner is the postgres account when the tests run as root.
func pgOwner() (uid, gid int, ok bool) {
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

// serverDir is a temporary directory the server account can use.
func serverDir(t *testing.T) string {
	t.Helper()
	d := t.TempDir()
	if uid, gid, ok := pgOwner(); ok {
		for p := d; p != "/" && p != os.TempDir(); p = filepath.Dir(p) {
			_ = os.Chmod(p, 0o755)
		}
		require.NoError(t, os.Chown(d, uid, gid))
	}
	return d
}

func chownAll(t *testing.T, p string) {
	t.Helper()
	uid, gid, ok := pgOwner()
	if !ok {
		return
	}
	require.NoError(t, filepath.Walk(p, func(q string, _ os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(q, uid, gid)
	}))
}

func runServerCmd(t *testing.T, env []string, name string, args ...string) {
	t.Helper()
	cmd := exec.Command(teststack.PGBin(t, name), args...)
	cmd.Env = append(os.Environ(), env...)
	if uid, gid, ok := pgOwner(); ok {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}}
	}
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s: %s", name, out)
}

// newPrimary starts the archiving cluster, creates database app from the
// corpus fixture, and takes a base backup of it.
func newPrimary(t *testing.T, fixture string) *primary {
	t.Helper()
	p := &primary{dir: serverDir(t), adminDB: "postgres"}
	p.pgdata = filepath.Join(p.dir, "pgdata")

	bucket := filepath.Join(p.dir, "bucket")
	require.NoError(t, os.Mkdir(bucket, 0o755))
	store, err := fsstore.New(bucket)
	require.NoError(t, err)
	ks := keyring.File{Path: filepath.Join(p.dir, "keyring.json"), Passphrase: []byte("test passphrase")}
	keys, err := keyring.Init(t.Context(), ks)
	require.NoError(t, err)
	p.walcmd = filepath.Join(p.dir, "walcmd")
	build := exec.Command("go", "build", "-o", p.walcmd, "github.com/arcabackup/arca/pkg/wal/internal/walcmd")
	out, err := build.CombinedOutput()
	require.NoError(t, err, "build walcmd: %s", out)
	p.env = []string{"ARCA_STORE=fs:" + bucket, "ARCA_PREFIX=prod", "ARCA_KEYRING=" + ks.Path,
		"ARCA_KEYRING_PASSPHRASE=" + string(ks.Passphrase)}
	p.pitr = pitr.Config{Store: store, Layout: backup.Layout{Prefix: "prod"}, Keys: keys, RestoreCommand: p.walcmd + " fetch %f %p"}
	chownAll(t, p.dir)

	runServerCmd(t, nil, "initdb", "-D", p.pgdata, "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8", "--locale=C")
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	p.port = l.Addr().(*net.TCPAddr).Port
	_ = l.Close()
	conf := []string{"listen_addresses = '127.0.0.1'", "unix_socket_directories = ''", "port = " + strconv.Itoa(p.port),
		"fsync = off", "shared_buffers = 32MB", "max_wal_size = 256MB", "track_commit_timestamp = on",
		"wal_level = replica", "archive_mode = on", "archive_timeout = '60s'",
		"archive_command = '" + p.walcmd + " push %p'"}
	f, err := os.OpenFile(filepath.Join(p.pgdata, "postgresql.conf"), os.O_APPEND|os.O_WRONLY, 0)
	require.NoError(t, err)
	_, err = io.WriteString(f, strings.Join(conf, "\n")+"\n")
	require.NoError(t, err)
	require.NoError(t, f.Close())
	runServerCmd(t, p.env, "pg_ctl", "-D", p.pgdata, "-l", p.pgdata+".log", "-w", "-t", "120", "start")
	t.Cleanup(func() {
		cmd := exec.Command(teststack.PGBin(t, "pg_ctl"), "-D", p.pgdata, "-m", "immediate", "-w", "stop")
		if uid, gid, ok := pgOwner(); ok {
			cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}}
		}
		_ = cmd.Run()
	})

	admin := p.connect(t, "postgres")
	_, err = admin.Exec(t.Context(), "CREATE DATABASE app")
	require.NoError(t, err)
	sql, err := os.ReadFile("../../testdata/corpus/" + fixture + ".sql")
	require.NoError(t, err)
	app := p.connect(t, "app")
	_, err = app.PgConn().Exec(t.Context(), string(sql)).ReadAll()
	require.NoError(t, err)

	_, err = basebackup.Take(t.Context(), basebackup.Config{
		Store: store, Layout: p.pitr.Layout, Keys: keys, PGBaseBackup: teststack.PGBin(t, "pg_basebackup"),
		ConnString: fmt.Sprintf("host=127.0.0.1 port=%d user=postgres dbname=postgres", p.port), FastCheckpoint: true,
		PartSize: 1 << 20, ToolVersion: "test",
	})
	require.NoError(t, err)
	return p
}

func (p *primary) url(db string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", p.port, db)
}

func (p *primary) connect(t *testing.T, db string) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(t.Context(), p.url(db))
	require.NoError(t, err)
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

// commit runs sql in its own transaction and returns its commit time as
// the WAL records it (the time recovery compares with the target).
func commit(t *testing.T, conn *pgx.Conn, sql string, args ...any) time.Time {
	t.Helper()
	_, err := conn.Exec(t.Context(), sql, args...)
	require.NoError(t, err)
	var at time.Time
	require.NoError(t, conn.QueryRow(t.Context(), "SELECT timestamp FROM pg_last_committed_xact()").Scan(&at))
	return at
}

// serverClock is the server's clock.
func serverClock(t *testing.T, conn *pgx.Conn) time.Time {
	t.Helper()
	var now time.Time
	require.NoError(t, conn.QueryRow(t.Context(), "SELECT clock_timestamp()").Scan(&now))
	return now
}

// waitClockPast waits until the server's clock is past at.
func waitClockPast(t *testing.T, conn *pgx.Conn, at time.Time) {
	t.Helper()
	teststack.Eventually(t, time.Minute, func() bool { return serverClock(t, conn).After(at) }, "server clock past "+at.String())
}

// archiveAll closes the current WAL segment and waits until it is archived.
func archiveAll(t *testing.T, conn *pgx.Conn) {
	t.Helper()
	var seg string
	require.NoError(t, conn.QueryRow(t.Context(), "SELECT pg_walfile_name(pg_switch_wal())").Scan(&seg))
	teststack.Eventually(t, 5*time.Minute, func() bool {
		var last *string
		err := conn.QueryRow(t.Context(), "SELECT last_archived_wal FROM pg_stat_archiver").Scan(&last)
		return err == nil && last != nil && *last >= seg
	}, "segment "+seg+" archived")
}

// pitrConfig is the tenant PITR configuration against p, with the
// exporter's tenant export and a scratch directory of the test's own.
func (p *primary) pitrConfig(t *testing.T, cfg tenancy.Config, progress func(tenantpitr.Step)) tenantpitr.Config {
	dir, err := teststack.PGBinDir(t.Context())
	require.NoError(t, err)
	return tenantpitr.Config{
		PITR: p.pitr,
		Export: func(ctx context.Context, dbURL, tenant string, w io.Writer) (archive.Manifest, error) {
			return tenantexport.Tenant(ctx, tenantexport.Config{Tenancy: cfg, PGBinDir: dir, ToolVersion: "test",
				StatementTimeout: time.Minute, LockTimeout: 10 * time.Second}, dbURL, tenant, w)
		},
		SourceURL: p.url("app"),
		TempDir:   serverDir(t),
		Env:       p.env,
		Progress:  progress,
	}
}
