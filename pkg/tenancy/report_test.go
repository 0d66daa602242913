package tenancy_test

import (
	"os"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/tenancy"
	"github.com/arcabackup/arca/pkg/teststack"
)

// corpusDB is a database holding one fixture of the acceptance corpus.
func corpusDB(t *testing.T, name string) *teststack.Database {
	t.Helper()
	db := teststack.NewDatabase(t)
	sql, err := os.ReadFile("../../services/exporter/testdata/corpus/" + name + ".sql")
	require.NoError(t, err)
	_, err = db.Pool.Exec(t.Context(), string(sql), pgx.QueryExecModeSimpleProtocol)
	require.NoError(t, err)
	return db
}

func inspect(t *testing.T, db *teststack.Database, cfg tenancy.Config, only string) (*tenancy.Report, error) {
	t.Helper()
	var r *tenancy.Report
	err := pgx.BeginFunc(t.Context(), db.Pool, func(tx pgx.Tx) error {
		var err error
		r, err = tenancy.Inspect(t.Context(), tx, cfg, only)
		return err
	})
	return r, err
}

// The plan names the rows two tenants own: links from one tenant's rows to
// another's, through either parent, and replies across tenants.
func TestInspectReportsSharedRows(t *testing.T) {
	t.Parallel()
	db := corpusDB(t, "links")
	r, err := inspect(t, db, tenancy.Config{TenantTable: tenancy.TenantTable{Table: "public.tenants", Key: "id"}}, "")
	require.NoError(t, err)
	require.Len(t, r.Tenants, 3)
	require.Equal(t, []tenancy.TableCount{
		{Table: `"public"."documents"`, Rows: 1, Tenants: []string{"a", "b"}},
		{Table: `"public"."mentions"`, Rows: 3, Tenants: []string{"a", "b", "c"}},
	}, r.Shared)
	require.Empty(t, r.Unowned)
	rows := map[string]int64{}
	for _, tab := range r.Tenants[0].Tables {
		rows[string(tab.Role)+" "+tab.Name] += tab.Rows
		require.NotEmpty(t, tab.Path)
	}
	require.Equal(t, int64(1), rows["tenant-row tenants"])
	require.Equal(t, int64(4), rows["fk-owned documents"], "1000, its replies 1001 and 1002, and b's reply 2001")
	require.Equal(t, int64(2), rows["fk-owned mentions"], "through the document and through the workspace")
	require.Equal(t, int64(2), rows["reference users"], "the workspace's creator and the terms' revoker")
	require.Equal(t, int64(2), rows["reference terms"], "its workspace's, and that of b's workspace its mention points at")
	require.Equal(t, int64(1), rows["reference workspaces"], "b's workspace 20")

	only, err := inspect(t, db, tenancy.Config{TenantTable: tenancy.TenantTable{Table: "public.tenants", Key: "id"}}, "b")
	require.NoError(t, err)
	require.Len(t, only.Tenants, 1)
	_, err = inspect(t, db, tenancy.Config{TenantTable: tenancy.TenantTable{Table: "public.tenants", Key: "id"}}, "nope")
	require.ErrorIs(t, err, tenancy.ErrUnknownTenant)
}

// Misconfiguration is loud: a plan owning nothing is an error per tenant,
// tenant-key-like columns not configured and tenant columns without an
// index are warnings, orphans are rows owned by none.
func TestInspectReportsMisconfiguration(t *testing.T) {
	t.Parallel()
	db := corpusDB(t, "column")
	_, err := db.Pool.Exec(t.Context(), `CREATE TABLE public.audit (id int PRIMARY KEY, "tenantId" text, "organizationId" text);
		DELETE FROM public.tenants WHERE id = 't3'`)
	require.NoError(t, err)

	wrong := tenancy.Config{TenantsQuery: "SELECT id FROM public.tenants", TenantColumns: []string{"org_id"}}
	r, err := inspect(t, db, wrong, "")
	require.NoError(t, err)
	for _, tr := range r.Tenants {
		require.Contains(t, tr.Error, "owns no table")
	}

	r, err = inspect(t, db, tenancy.Config{TenantTable: tenancy.TenantTable{Table: "public.tenants", Key: "id"}}, "")
	require.NoError(t, err)
	require.Len(t, r.Tenants, 2)
	for _, tr := range r.Tenants {
		require.Empty(t, tr.Error)
	}
	require.Contains(t, r.Warnings, `public.audit: tenant column "tenantId" has no index: each tenant's export scans the whole table (a batch of tenants scans it once)`)
	require.Contains(t, r.Warnings, `public.audit: column "organizationId" looks like a tenant key but is not in tenant_columns [tenantId tenant_id]`)
	require.Contains(t, r.Unowned, tenancy.TableCount{Table: `"public"."notes"`, Rows: 2}, "the global note and t3's orphan")
}

// InspectSource reads the same report over its own read-only connection,
// and an unreachable source names the command.
func TestInspectSourceReadsTheSameReport(t *testing.T) {
	t.Parallel()
	db := corpusDB(t, "links")
	cfg := tenancy.Config{TenantTable: tenancy.TenantTable{Table: "public.tenants", Key: "id"}}
	want, err := inspect(t, db, cfg, "")
	require.NoError(t, err)
	got, err := tenancy.InspectSource(t.Context(), db.URL, cfg, "")
	require.NoError(t, err)
	require.Equal(t, want, got)
	require.NoError(t, got.Err())
	_, err = tenancy.InspectSource(t.Context(), db.URL, cfg, "nobody")
	require.ErrorIs(t, err, tenancy.ErrUnknownTenant)
	_, err = tenancy.InspectSource(t.Context(), "postgres://postgres@127.0.0.1:1/none?sslmode=disable&connect_timeout=2", cfg, "")
	require.ErrorContains(t, err, "tenancy plan:")

	failed := &tenancy.Report{Tenants: []tenancy.TenantReport{{ID: "a"}, {ID: "b", Error: "selects nothing"}}}
	require.EqualError(t, failed.Err(), "tenant b: selects nothing")
}
