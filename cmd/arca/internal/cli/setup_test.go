package cli_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/cmd/arca/internal/cli"
	"github.com/arcabackup/arca/cmd/arca/internal/config"
	"github.com/arcabackup/arca/cmd/arca/internal/stack"
	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/jobs"
	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/pkg/objstore"
	"github.com/arcabackup/arca/pkg/seal/keyring"
	"github.com/arcabackup/arca/pkg/staging"
	"github.com/arcabackup/arca/pkg/teststack"
)

// gw is the package's one versitygw; every test makes its own bucket.
var gw *teststack.VersityGW

func TestMain(m *testing.M) {
	teststack.VersityGWMain(m, func(g *teststack.VersityGW) { gw = g })
}

// Three care homes; residents' names are patient data.
const homes = `
CREATE TABLE tenants (id text PRIMARY KEY, name text);
CREATE TABLE residents (id serial PRIMARY KEY, "tenantId" text REFERENCES tenants(id), name text, born date);
INSERT INTO tenants SELECT 'home-' || g, 'Lar ' || g FROM generate_series(1, 3) g;
INSERT INTO residents ("tenantId", name, born) SELECT t.id, 'Residente ' || r, date '1940-01-01' + r FROM tenants t, generate_series(1, 5) r;`

// env is a bucket with real backups in it, made by every stage of the
// pipeline, and a configuration file for the arca command line.
type env struct {
	cfgPath string
	cfg     config.Config
	db      *teststack.Database
	store   objstore.Store
	layout  backup.Layout
	nats    *teststack.NATS
}

// writeConfig writes doc as the configuration file arca.yaml in dir and
// loads it: the keyring created, the store opened.
func (e *env) writeConfig(t *testing.T, dir, doc string) *keyring.Keyring {
	t.Helper()
	e.cfgPath = filepath.Join(dir, "arca.yaml")
	require.NoError(t, os.WriteFile(e.cfgPath, []byte(doc), 0o600))
	var err error
	e.cfg, err = config.Load(e.cfgPath, os.Getenv)
	require.NoError(t, err)
	keys, err := stack.Keyring(t.Context(), e.cfg, true)
	require.NoError(t, err)
	e.store, err = stack.Store(t.Context(), e.cfg)
	require.NoError(t, err)
	e.layout = stack.Layout(e.cfg)
	return keys
}

// newEnv starts the pipeline over a fresh database, keyring and bucket of
// the store kind ("fs" or "s3").
func newEnv(t *testing.T, kind string) *env {
	t.Helper()
	return newEnvWith(t, kind, "")
}

// newEnvWith is newEnv with more of the store section (YAML flow-mapping
// entries, e.g. "destinations: [...]").
func newEnvWith(t *testing.T, kind, storeExtra string) *env {
	t.Helper()
	ctx := t.Context()
	dir := t.TempDir()
	e := &env{db: teststack.NewDatabase(t)}
	_, err := e.db.Pool.Exec(ctx, homes)
	require.NoError(t, err)

	// Variables of their own: tests run in parallel in one process.
	suffix := strings.ToUpper(rand.Text()[:8])
	passEnv := "ARCA_TEST_PASS_" + suffix
	require.NoError(t, os.Setenv(passEnv, rand.Text()))
	if storeExtra != "" {
		storeExtra = ", " + storeExtra
	}
	store := fmt.Sprintf("store: {kind: fs, prefix: arca, fs: {dir: %s}%s}", filepath.Join(dir, "bucket"), storeExtra)
	if kind == "s3" {
		require.NoError(t, os.Setenv("ARCA_TEST_S3_ACCESS_"+suffix, gw.AccessKey))
		require.NoError(t, os.Setenv("ARCA_TEST_S3_SECRET_"+suffix, gw.SecretKey))
		store = fmt.Sprintf("store: {kind: s3, prefix: arca, s3: {endpoint: %q, region: %q, bucket: %q, path_style: true, access_key_env: %s, secret_key_env: %s}%s}",
			gw.Endpoint, gw.Region, gw.NewBucket(t, false), "ARCA_TEST_S3_ACCESS_"+suffix, "ARCA_TEST_S3_SECRET_"+suffix, storeExtra)
	}
	keys := e.writeConfig(t, dir, fmt.Sprintf("dir: %s\nsource: {url: %q}\ncatalog: {url: %q}\n%s\nkeys: {keyring: \"file:%s\", passphrase_env: %s}\n",
		dir, e.db.URL, teststack.NewDatabase(t).URL, store, filepath.Join(dir, "keyring.json"), passEnv))

	e.nats = teststack.NewNATS(t)
	conn := &stack.Conn{NC: e.nats.Conn, JS: e.nats.JS}
	require.NoError(t, jobs.EnsureStreams(ctx, e.nats.JS, jobs.StreamOptions{}))
	conn.Staging, err = staging.Ensure(ctx, e.nats.JS, staging.Options{})
	require.NoError(t, err)
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	deps := stack.Deps{Cfg: e.cfg, Conn: conn, Store: e.store, Keys: keys, Logger: quiet, Tool: "test"}
	wctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	stages, err := deps.Named(stack.StageServices...)
	require.NoError(t, err)
	go func() { defer close(done); _ = stack.Supervise(wctx, stages...) }()
	t.Cleanup(func() { cancel(); <-done })
	return e
}

// backup runs a backup of the tenant ("" and kind full: the database)
// through the pipeline and waits until the verifier has proven it.
func (e *env) backup(t *testing.T, kind messages.Kind, tenant string) string {
	t.Helper()
	at := time.Now().UTC()
	job := messages.ExportRequested{V: 1, Run: "cli-" + rand.Text()[:6], Tenant: tenant, Kind: kind, RequestedAt: at}
	job.BackupID = messages.BackupID(kind, job.Run, tenant, at)
	require.NoError(t, jobs.NewPublisher(e.nats.JS).Publish(t.Context(), messages.ExportSubject(tenant), job, messages.ExportMsgID(job.BackupID)))
	subject := messages.EventSubject(tenant, job.BackupID, messages.StageVerify, messages.StatusSucceeded)
	// A loaded machine may take long; a backup that failed never succeeds,
	// so that ends the wait at once with its reason.
	teststack.Eventually(t, 10*time.Minute, func() bool {
		stream, err := e.nats.JS.Stream(t.Context(), messages.StreamEvents)
		if err != nil {
			return false
		}
		if _, err = stream.GetLastMsgForSubject(t.Context(), subject); err == nil {
			return true
		}
		for _, stage := range []string{messages.StageExport, messages.StageEncrypt, messages.StageUpload, messages.StageVerify} {
			for _, status := range []messages.Status{messages.StatusDeadLettered, messages.StatusFailed} {
				if msg, err := stream.GetLastMsgForSubject(t.Context(), messages.EventSubject(tenant, job.BackupID, stage, status)); err == nil {
					t.Fatalf("backup of %s: %s: %s", tenant, msg.Subject, msg.Data)
				}
			}
		}
		return false
	}, "verified backup of "+tenant)
	return job.BackupID
}

// arca runs the command line as main does and returns what it printed and
// its exit code.
func (e *env) arca(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := cli.Execute(t.Context(), append([]string{"--config", e.cfgPath}, args...), &out, &errOut)
	if err != nil && !cli.Quiet(err) {
		fmt.Fprintln(&errOut, "arca:", messages.OneLine(err))
	}
	return out.String(), errOut.String(), cli.ExitCode(err)
}

func (e *env) get(t *testing.T, key string) []byte {
	t.Helper()
	rc, err := e.store.Get(t.Context(), key, objstore.Range{})
	require.NoError(t, err)
	defer func() { _ = rc.Close() }()
	b, err := io.ReadAll(rc)
	require.NoError(t, err)
	return b
}

func (e *env) put(t *testing.T, key string, doc []byte) {
	t.Helper()
	// Not t.Context(): cleanups put the original objects back.
	_, err := e.store.Put(context.Background(), key, bytes.NewReader(doc), int64(len(doc)))
	require.NoError(t, err)
}

// snapshot is every row of the database, for "nothing was written".
func (e *env) snapshot(t *testing.T) string {
	t.Helper()
	var s string
	require.NoError(t, e.db.Pool.QueryRow(t.Context(), `SELECT string_agg(r::text, ';' ORDER BY r.id) FROM residents r`).Scan(&s))
	var tn string
	require.NoError(t, e.db.Pool.QueryRow(t.Context(), `SELECT string_agg(t::text, ';' ORDER BY t.id) FROM tenants t`).Scan(&tn))
	return tn + "|" + s
}

func writeFile(path string, b []byte) error { return os.WriteFile(path, b, 0o600) }
