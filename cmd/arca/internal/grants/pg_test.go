package grants_test

import (
	"bytes"
	"context"
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/cmd/arca/internal/grants"
	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/pkg/teststack"
	exporter "github.com/arcabackup/arca/services/exporter/service"
)

// The generated roles on a real PostgreSQL: the exporter's role reads every
// row and cannot write (not even after turning its sessions' read-only
// default off); the restore role writes. Roles are cluster-wide, so the
// test creates them under names of its own.
func TestGeneratedPostgresRolesReadOnlyExporterAndWritingRestore(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	db := teststack.NewDatabase(t)
	_, err := db.Pool.Exec(ctx, `CREATE TABLE public.residents (id int PRIMARY KEY, name text); INSERT INTO public.residents VALUES (1, 'Ana')`)
	require.NoError(t, err)

	suffix := fmt.Sprintf("_t%d", time.Now().UnixNano()%1e9)
	var svcs []grants.Service
	roles := map[string]string{}
	for _, s := range grants.Services() {
		if s.Source != nil { // the coordinator's source role, without its catalog role
			r := *s.Source
			r.Name += suffix
			roles[s.Name] = r.Name
			s.PG, s.Source = &r, nil
		} else if s.PG == nil || s.PG.OwnsCatalog { // the catalog database is cluster-wide too
			continue
		} else {
			r := *s.PG
			r.Name += suffix
			roles[s.Name] = r.Name
			s.PG = &r
		}
		svcs = append(svcs, s)
	}
	sql := grants.PostgresSQL(svcs)
	for _, s := range svcs { // what psql -v does
		sql = strings.ReplaceAll(sql, ":'"+s.PG.PasswordVar()+"'", "'pw'")
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		for _, r := range roles {
			_, _ = db.Pool.Exec(ctx, "DROP ROLE IF EXISTS "+r)
		}
	})
	_, err = db.Pool.Exec(ctx, sql)
	require.NoError(t, err)

	as := func(role string) *pgx.Conn {
		u, err := url.Parse(db.URL)
		require.NoError(t, err)
		u.User = url.UserPassword(role, "pw")
		c, err := pgx.Connect(ctx, u.String())
		require.NoError(t, err)
		t.Cleanup(func() { c.Close(context.Background()) })
		return c
	}
	exp := as(roles["exporter"])
	var name string
	require.NoError(t, exp.QueryRow(ctx, `SELECT name FROM public.residents WHERE id = 1`).Scan(&name))
	require.Equal(t, "Ana", name)
	_, err = exp.Exec(ctx, `INSERT INTO public.residents VALUES (2, 'Bruno')`)
	require.ErrorContains(t, err, "read-only transaction")
	_, err = exp.Exec(ctx, `SET default_transaction_read_only = off`)
	require.NoError(t, err)
	_, err = exp.Exec(ctx, `INSERT INTO public.residents VALUES (2, 'Bruno')`)
	require.ErrorContains(t, err, "permission denied")
	_, err = exp.Exec(ctx, `CREATE TABLE public.x (id int)`)
	require.ErrorContains(t, err, "permission denied")

	// The coordinator's drill role reads the source, cannot write it, and
	// creates a scratch database it restores into.
	drill := as(roles["coordinator"])
	require.NoError(t, drill.QueryRow(ctx, `SELECT name FROM public.residents WHERE id = 1`).Scan(&name))
	_, err = drill.Exec(ctx, `UPDATE public.residents SET name = 'x'`)
	require.ErrorContains(t, err, "permission denied")
	scratch := "arca_drill_scratch" + suffix
	_, err = drill.Exec(ctx, "CREATE DATABASE "+scratch)
	require.NoError(t, err, "the drill role creates scratch databases")
	t.Cleanup(func() { _, _ = db.Pool.Exec(context.Background(), "DROP DATABASE IF EXISTS "+scratch+" WITH (FORCE)") })
	su, err := url.Parse(db.URL)
	require.NoError(t, err)
	su.User, su.Path = url.UserPassword(roles["coordinator"], "pw"), "/"+scratch
	sc, err := pgx.Connect(ctx, su.String())
	require.NoError(t, err)
	_, err = sc.Exec(ctx, `CREATE TABLE t (id int); INSERT INTO t VALUES (1)`)
	sc.Close(context.Background())
	require.NoError(t, err, "the drill role restores into its scratch database")

	restore := as(roles["operator"])
	_, err = restore.Exec(ctx, `INSERT INTO public.residents VALUES (3, 'Carla')`)
	require.NoError(t, err, "the restore role writes")

	// The exporter works as its read-only role: a tenant export of the
	// fixture (snapshot, COPY, schema through pg_dump).
	src := teststack.NewDatabase(t)
	fixture, err := os.ReadFile("../../../../services/exporter/testdata/fixture.sql")
	require.NoError(t, err)
	_, err = src.Pool.Exec(ctx, string(fixture))
	require.NoError(t, err)
	u, err := url.Parse(src.URL)
	require.NoError(t, err)
	u.User = url.UserPassword(roles["exporter"], "pw")
	e, err := exporter.New(exporter.Deps{}, exporter.Config{SourceURL: u.String(), Parallelism: 1})
	require.NoError(t, err)
	var out bytes.Buffer
	at := time.Now().UTC()
	facts, err := e.ExportTo(ctx, messages.ExportRequested{V: 1, Run: "pg", Tenant: "acme", Kind: messages.KindTenant,
		BackupID: messages.BackupID(messages.KindTenant, "pg", "acme", at), RequestedAt: at}, &out)
	require.NoError(t, err, "a tenant export as the exporter's role")
	require.NotEmpty(t, facts)
	require.NotZero(t, out.Len())
}
