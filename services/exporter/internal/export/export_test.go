package export_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/archive"
	"github.com/arcabackup/arca/pkg/tenancy"
	"github.com/arcabackup/arca/services/exporter/internal/export"
)

// acmeRows lists, independently of discovery, every row of tenant acme.
var acmeRows = map[string]string{
	"tenant-row public.tenants":                "'acme'",
	"reference public.users":                   "1, 2, 3",
	"reference public.plans":                   "1",
	"tenant-owned public.plans":                "3",
	"tenant-owned public.subscriptions":        "11, 12",
	"tenant-owned public.invoices":             "21, 22, 23, 27",
	"fk-owned public.payments":                 "31, 32, 35",
	"tenant-owned public.organizations":        "41",
	"fk-owned public.workspaces":               "51",
	"fk-owned public.surveys":                  "61",
	"fk-owned public.displays":                 "71",
	"fk-owned public.responses":                "81, 82, 83",
	"fk-owned public.runs":                     "91, 92",
	"fk-owned public.logs":                     "101, 102",
	"tenant-owned public.teams":                "111",
	"fk-owned public.members":                  "121, 123",
	"schema-table tenant_acme_1f2e.residents":  "1, 2, 3",
	"schema-table tenant_acme_1f2e.care_notes": "1, 2",
}

// TestExportContainsExactlyTheTenantsRows compares every CSV of acme's
// archive, record by record, with the same columns copied straight from the
// listed rows.
func TestExportContainsExactlyTheTenantsRows(t *testing.T) {
	t.Parallel()
	b := setup(t)
	e := b.export(t, "acme")
	m := e.manifest
	require.Equal(t, "acme", m.Tenant.ID)
	require.Equal(t, "tenant_acme_1f2e", m.Tenant.Schema)
	require.NotEmpty(t, m.Snapshot.ID)
	require.NotEmpty(t, m.Snapshot.WALLSN)
	require.False(t, m.Snapshot.Time.IsZero())
	seen := 0
	invoices := ""
	for _, tab := range m.Tables {
		key := tab.Role + " " + tab.Schema + "." + tab.Name
		ids, ok := acmeRows[key]
		if !ok { // a reference selection that finds nothing in this fixture
			require.Equal(t, "reference", tab.Role, key)
			require.Zero(t, tab.Rows, key)
			continue
		}
		seen++
		if key == "tenant-owned public.invoices" {
			invoices = tab.File
		}
		cols := make([]string, len(tab.Columns))
		for i, c := range tab.Columns {
			cols[i] = pgx.Identifier{c.Name}.Sanitize()
		}
		var want bytes.Buffer
		sql := fmt.Sprintf("COPY (SELECT %s FROM %s WHERE id IN (%s)) TO STDOUT WITH (FORMAT csv, HEADER)",
			strings.Join(cols, ", "), pgx.Identifier{tab.Schema, tab.Name}.Sanitize(), ids)
		conn, err := b.db.Pool.Acquire(t.Context())
		require.NoError(t, err)
		_, err = conn.Conn().PgConn().CopyTo(t.Context(), &want, sql)
		conn.Release()
		require.NoError(t, err)
		require.Equal(t, records(want.Bytes()), e.table(t, tab.Role, tab.Schema, tab.Name), key)
		require.EqualValues(t, len(strings.Split(ids, ",")), tab.Rows, key)
	}

	require.Equal(t, len(acmeRows), seen)
	inv, ok := m.File(invoices)
	require.True(t, ok)
	require.Greater(t, inv.Chunks, 3, "the multi-megabyte note spans chunks")
	require.NotContains(t, strings.Join(e.table(t, "tenant-owned", "public", "invoices"), "\n"), "total_cents", "generated columns are not exported")

	pre, post := string(e.files[archive.SchemaFile]), string(e.files[archive.PostSchemaFile])
	require.Contains(t, pre, "CREATE TYPE tenant_acme_1f2e.mood")
	require.Contains(t, pre, "CREATE FUNCTION tenant_acme_1f2e.touch()")
	require.Contains(t, pre, "CREATE SEQUENCE tenant_acme_1f2e.record_no")
	require.Contains(t, post, "CREATE TRIGGER residents_touch")
	require.Contains(t, post, "CREATE INDEX residents_name")
	require.Contains(t, post, `SELECT pg_catalog.setval('"tenant_acme_1f2e"."record_no"', 1003, true);`)
	require.NotContains(t, pre+post, "tenant_acme_1f2e_2", "a schema whose name extends acme's is not acme's")
}

func TestColumnModelTenantHasNoSchemaFiles(t *testing.T) {
	t.Parallel()
	b := setup(t)
	e := b.export(t, "beta")
	require.Empty(t, e.manifest.Tenant.Schema)
	_, ok := e.manifest.File(archive.SchemaFile)
	require.False(t, ok)
	require.Equal(t, []string{"id,tenantId,plan_id,owner_id,status,tags,meta,started",
		"14,beta,5,4,cancelled,{beta},{},2026-04-01 00:00:00+00"}, e.table(t, "tenant-owned", "public", "subscriptions"))
}

// TestMaliciousTenantID: an id made of SQL, and a schema name with quotes,
// spaces, unicode and pattern characters, are exported as data.
func TestMaliciousTenantID(t *testing.T) {
	t.Parallel()
	b := setup(t)
	evil := `x'; DROP TABLE users; --`
	e := b.export(t, evil)
	require.Equal(t, `Évil "q" *x`, e.manifest.Tenant.Schema)
	subs := e.table(t, "tenant-owned", "public", "subscriptions")
	require.Len(t, subs, 2)
	require.True(t, strings.HasPrefix(subs[1], `15,x'; DROP TABLE users; --,1,`), subs[1])
	require.Equal(t, []string{"id,name,mood,buddy_id,user_id,record_no,notes,updated_at", "1,evil resident,,,,1000,,"},
		e.table(t, "schema-table", `Évil "q" *x`, "residents"))
	pre := string(e.files[archive.SchemaFile])
	require.Contains(t, pre, `CREATE SCHEMA "Évil ""q"" *x";`)
	require.NotContains(t, pre, "abcx", "the schema name's * is not a wildcard")
	var n int
	require.NoError(t, b.db.Pool.QueryRow(t.Context(), "SELECT count(*) FROM public.users").Scan(&n))
	require.Equal(t, 6, n)

	_, err := export.Tenant(t.Context(), b.cfg, `y'; DROP TABLE users; --`, &bytes.Buffer{})
	require.ErrorIs(t, err, tenancy.ErrUnknownTenant)
}

// A tenant whose plan selects no row at all is a misconfiguration, not an
// empty verified backup; so is a configuration under which nothing is owned.
func TestExportRefusesAnEmptyPlan(t *testing.T) {
	t.Parallel()
	b := setup(t)
	cfg := b.cfg
	cfg.Tenancy = tenancy.Config{TenantsQuery: "SELECT 'ghost'::text", Exclude: b.cfg.Tenancy.Exclude}
	_, err := export.Tenant(t.Context(), cfg, "ghost", &bytes.Buffer{})
	require.ErrorContains(t, err, "selects no row")
	require.ErrorIs(t, err, tenancy.ErrEmptyPlan, "a permanent failure, not retried")

	cfg.Tenancy.TenantColumns = []string{"organizationId"}
	_, err = export.Tenant(t.Context(), cfg, "ghost", &bytes.Buffer{})
	require.ErrorContains(t, err, "owns no table")
	require.ErrorIs(t, err, tenancy.ErrEmptyPlan)
}
