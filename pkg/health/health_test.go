package health_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/health"
	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/pkg/objstore/fsstore"
	"github.com/arcabackup/arca/pkg/seal/keyring"
	"github.com/arcabackup/arca/pkg/teststack"
)

// only is the findings of one check, as "status detail" lines.
func only(f health.Findings, name string) []string {
	var out []string
	for _, c := range f.List {
		if c.Check == name {
			out = append(out, string(c.Status)+" "+c.Detail)
		}
	}
	return out
}

func TestReportCountsProblemsAndWarningsInItsJSON(t *testing.T) {
	t.Parallel()
	var f health.Findings
	require.JSONEq(t, `{"ok":true,"problems":0,"warnings":0,"checks":[]}`, mustJSON(t, f.Report()))
	f.OK("config", "fine")
	f.Warn("catalog", "not set")
	f.Fail("nats", "down")
	f.Fail("source", "down too")
	require.JSONEq(t, `{"ok":false,"problems":2,"warnings":1,"checks":[
		{"check":"config","status":"ok","detail":"fine"},{"check":"catalog","status":"warn","detail":"not set"},
		{"check":"nats","status":"fail","detail":"down"},{"check":"source","status":"fail","detail":"down too"}]}`, mustJSON(t, f.Report()))
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return string(b)
}

func TestCheckBucketWritesReadsListsAndDeletesAProbe(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	store, err := fsstore.New(dir)
	require.NoError(t, err)
	var f health.Findings
	health.CheckBucket(t.Context(), &f, health.Bucket{Store: store, Layout: backup.Layout{Prefix: "p"}, Where: dir})
	require.Equal(t, []string{"ok " + dir + ": write, read, list, delete"}, only(f, "bucket"))
	for info, err := range store.List(t.Context(), "") {
		require.NoError(t, err)
		t.Errorf("the probe %s was left behind", info.Key)
	}
}

func TestCheckKeyringNeedsAPrimaryKey(t *testing.T) {
	t.Parallel()
	var f health.Findings
	health.CheckKeyring(&f, "k.json", nil, errors.New("wrong passphrase"))
	health.CheckKeyring(&f, "k.json", keyring.New(), nil)
	kr := keyring.New()
	kek, err := kr.Rotate("")
	require.NoError(t, err)
	health.CheckKeyring(&f, "k.json", kr, nil)
	got := only(f, "keyring")
	require.Len(t, got, 3)
	require.Equal(t, "fail k.json: wrong passphrase", got[0])
	require.True(t, strings.HasPrefix(got[1], "fail k.json: "), got[1])
	require.Equal(t, "ok k.json: 1 key version(s), primary "+kek.ID+" (local)", got[2])
}

func TestCheckNATSNamesEveryMissingStreamAndTheHint(t *testing.T) {
	t.Parallel()
	n := teststack.NewNATS(t)
	_, err := n.JS.CreateStream(t.Context(), jetstreamConfig(messages.StreamEvents))
	require.NoError(t, err)
	var f health.Findings
	health.CheckNATS(t.Context(), &f, health.NATS{URL: n.URL, Replicas: 3, Hint: "is it running?"})
	got := only(f, "nats")
	require.Len(t, got, 4, "%q", got)
	require.Contains(t, got[0], "fail stream "+messages.StreamJobs)
	require.Contains(t, got[1], "warn stream "+messages.StreamEvents+" has 1 replica(s), nats.replicas asks for 3")
	require.Contains(t, got[2], "fail stream "+messages.StreamDLQ)
	require.Contains(t, got[3], "ok ")

	f = health.Findings{}
	health.CheckNATS(t.Context(), &f, health.NATS{URL: "nats://user:secret@127.0.0.1:1", Hint: "is it running?"})
	got = only(f, "nats")
	require.Len(t, got, 1)
	require.True(t, strings.HasSuffix(got[0], "; is it running?"), got[0])
	require.NotContains(t, got[0], "secret")
}

func TestCheckCatalogWarnsUntilItIsMigrated(t *testing.T) {
	t.Parallel()
	db := teststack.NewDatabase(t)
	var f health.Findings
	health.CheckCatalog(t.Context(), &f, "")
	health.CheckCatalog(t.Context(), &f, db.URL)
	_, err := db.Pool.Exec(t.Context(), "CREATE SCHEMA arca_catalog")
	require.NoError(t, err)
	health.CheckCatalog(t.Context(), &f, db.URL)
	got := only(f, "catalog")
	require.Len(t, got, 3)
	require.Equal(t, "warn catalog.url is not set: the coordinator keeps no catalog", got[0])
	require.Contains(t, got[1], "warn ")
	require.Contains(t, got[1], "no arca_catalog schema yet")
	require.Equal(t, "ok "+db.URL, got[2])
}

// A role that cannot read a table is named with the table; archiving
// asked for by the schedules but not set up is a problem of its own.
func TestCheckSourceNamesUnreadableTablesAndMissingArchiving(t *testing.T) {
	t.Parallel()
	db := teststack.NewDatabase(t)
	_, err := db.Pool.Exec(t.Context(), `CREATE TABLE public.open (id int); CREATE TABLE public.closed (id int); CREATE TABLE public.skipped (id int)`)
	require.NoError(t, err)
	role := "arca_check_" + randomHex(t)
	admin, err := pgx.Connect(t.Context(), teststack.AdminURL())
	require.NoError(t, err)
	_, err = admin.Exec(t.Context(), "CREATE ROLE "+role+" LOGIN")
	require.NoError(t, err)
	t.Cleanup(func() {
		ctx := context.Background()
		_, _ = db.Pool.Exec(ctx, "REVOKE ALL ON public.open FROM "+role)
		_, _ = admin.Exec(ctx, "DROP ROLE IF EXISTS "+role)
		admin.Close(ctx)
	})
	_, err = db.Pool.Exec(t.Context(), "GRANT SELECT ON public.open TO "+role)
	require.NoError(t, err)
	cfg, err := pgx.ParseConfig(db.URL)
	require.NoError(t, err)
	url := strings.Replace(db.URL, "://"+cfg.User+"@", "://"+role+"@", 1)

	var f health.Findings
	health.CheckSource(t.Context(), &f, health.Source{URL: url, PGBinDir: pgBinDir(t), Exclude: []string{"public.skipped"},
		Drills: true, Archiving: true})
	src := strings.Join(only(f, "source"), "\n")
	require.Contains(t, src, "fail role "+role+" cannot create the scratch databases")
	require.Contains(t, src, "fail role "+role+" cannot read 1 of 2 tables: public.closed (GRANT SELECT")
	arch := strings.Join(only(f, "archiving"), "\n")
	require.Contains(t, arch, "fail schedules.base/wal_check are set but the source does not archive WAL through arca")
	require.False(t, f.Report().OK)
}

// pg_dump and pg_restore are looked for where the exporter and the
// restore look: a pg_bin_dir without them is reported, with the setting to
// change; the installed server's programs pass.
func TestCheckSourceFindsPgDumpAsTheExporterDoes(t *testing.T) {
	t.Parallel()
	db := teststack.NewDatabase(t)
	var f health.Findings
	health.CheckSource(t.Context(), &f, health.Source{URL: db.URL, PGBinDir: t.TempDir()})
	src := strings.Join(only(f, "source"), "\n")
	require.Contains(t, src, "fail full backups need pg_dump")
	require.Contains(t, src, "set source.pg_bin_dir")
	require.Contains(t, src, "fail pg_restore not found")

	var ok health.Findings
	health.CheckSource(t.Context(), &ok, health.Source{URL: db.URL, PGBinDir: pgBinDir(t)})
	require.NotContains(t, strings.Join(only(ok, "source"), "\n"), "pg_dump")
	require.NotContains(t, strings.Join(only(ok, "source"), "\n"), "pg_restore")
}

func pgBinDir(t *testing.T) string {
	t.Helper()
	dir, err := teststack.PGBinDir(t.Context())
	require.NoError(t, err)
	return dir
}

func randomHex(t *testing.T) string {
	b := make([]byte, 5)
	_, err := rand.Read(b)
	require.NoError(t, err)
	return hex.EncodeToString(b)
}

func jetstreamConfig(name string) jetstream.StreamConfig {
	return jetstream.StreamConfig{Name: name, Subjects: []string{"health-test." + name + ".>"}}
}
