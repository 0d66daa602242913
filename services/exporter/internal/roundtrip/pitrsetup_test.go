package roundtrip_test

import (
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
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
	*teststack.PGCluster
	dir    string   // server-owned test directory
	env    []string // walcmd's configuration
	walcmd string
	pitr   pitr.Config
}

// newPrimary starts the archiving cluster, creates database app from the
// corpus fixture, and takes a base backup of it.
func newPrimary(t *testing.T, fixture string) *primary {
	t.Helper()
	p := &primary{dir: teststack.ServerDir(t)}

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
	teststack.OwnByServer(t, p.dir)

	p.PGCluster = teststack.InitPGIn(t, filepath.Join(p.dir, "pgdata"), "track_commit_timestamp = on",
		"wal_level = replica", "archive_mode = on", "archive_timeout = '60s'",
		"archive_command = '"+p.walcmd+" push %p'")
	p.Env = p.env
	p.Start(t, true)

	admin := p.Connect(t)
	_, err = admin.Exec(t.Context(), "CREATE DATABASE app")
	require.NoError(t, err)
	sql, err := os.ReadFile("../../testdata/corpus/" + fixture + ".sql")
	require.NoError(t, err)
	app := p.ConnectDB(t, "app")
	_, err = app.PgConn().Exec(t.Context(), string(sql)).ReadAll()
	require.NoError(t, err)

	_, err = basebackup.Take(t.Context(), basebackup.Config{
		Store: store, Layout: p.pitr.Layout, Keys: keys, PGBaseBackup: teststack.PGBin(t, "pg_basebackup"),
		ConnString: p.ConnString(), FastCheckpoint: true, PartSize: 1 << 20, ToolVersion: "test",
	})
	require.NoError(t, err)
	return p
}

// serverClock is the server's clock.
func serverClock(t *testing.T, conn *pgx.Conn) time.Time {
	t.Helper()
	var now time.Time
	require.NoError(t, conn.QueryRow(t.Context(), "SELECT clock_timestamp()").Scan(&now))
	return now
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
		SourceURL: p.DBURL("app"),
		TempDir:   teststack.ServerDir(t),
		Env:       p.env,
		Progress:  progress,
	}
}
