package tenancy_test

import (
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/tenancy"
)

func TestDiscoverSelectsExactlyEachTenantsRows(t *testing.T) {
	t.Parallel()
	b := setup(t)
	acme := b.plan(t, "acme")
	t.Log("\n" + acme.String())
	require.Equal(t, map[string][]int64{
		"reference public.users":                   {1, 2, 3},
		"reference public.plans":                   {1},
		"tenant-owned public.plans":                {3},
		"tenant-owned public.subscriptions":        {11, 12},
		"tenant-owned public.invoices":             {21, 22, 23, 27},
		"fk-owned public.payments":                 {31, 32, 35},
		"tenant-owned public.organizations":        {41},
		"fk-owned public.workspaces":               {51},
		"fk-owned public.surveys":                  {61},
		"fk-owned public.displays":                 {71},
		"fk-owned public.responses":                {81, 82, 83},
		"fk-owned public.runs":                     {91, 92},
		"fk-owned public.logs":                     {101, 102},
		"tenant-owned public.teams":                {111},
		"fk-owned public.members":                  {121, 123},
		"schema-table tenant_acme_1f2e.residents":  {1, 2, 3},
		"schema-table tenant_acme_1f2e.care_notes": {1, 2},
	}, b.selected(t, acme))

	beta := b.plan(t, "beta")
	require.Equal(t, map[string][]int64{
		"reference public.users":            {4},
		"tenant-owned public.plans":         {5},
		"tenant-owned public.subscriptions": {14},
		"tenant-owned public.invoices":      {25},
		"fk-owned public.payments":          {34},
		"tenant-owned public.organizations": {43},
		"fk-owned public.workspaces":        {53},
		"fk-owned public.surveys":           {63},
		"fk-owned public.displays":          {73},
		"fk-owned public.responses":         {86},
		"fk-owned public.runs":              {94},
		"fk-owned public.logs":              {104},
		"tenant-owned public.teams":         {112},
		"fk-owned public.members":           {122},
	}, b.selected(t, beta))
}

// TestDiscoverMatchesSchemasExactly: acme2's schema name extends acme's.
func TestDiscoverMatchesSchemasExactly(t *testing.T) {
	t.Parallel()
	b := setup(t)
	for _, tab := range b.plan(t, "acme").Tables {
		require.NotEqual(t, "tenant_acme_1f2e_2", tab.Schema)
	}
	got := b.selected(t, b.plan(t, "acme2"))
	require.Equal(t, []int64{1}, got["schema-table tenant_acme_1f2e_2.residents"])
	require.NotContains(t, got, "schema-table tenant_acme_1f2e.residents")
	require.Equal(t, []int64{5}, got["reference public.users"])
}

func TestDiscoverOrderRolesAndCycles(t *testing.T) {
	t.Parallel()
	b := setup(t)
	p := b.plan(t, "acme")
	pos := map[string]int{}
	for i, tab := range p.Tables {
		pos[string(tab.Role)+" "+tab.Name] = i
		require.NotEqual(t, "_prisma_migrations", tab.Name, "excluded")
		for _, c := range tab.Columns {
			require.False(t, c.Generated, "generated columns are not exported")
		}
	}
	before := func(a, b string) {
		t.Helper()
		require.Less(t, pos[a], pos[b], "%s before %s\n%s", a, b, p)
	}
	before("reference tenants", "tenant-owned subscriptions")
	before("reference plans", "tenant-owned plans")
	before("tenant-owned plans", "tenant-owned subscriptions")
	before("reference users", "schema-table residents")
	before("schema-table residents", "schema-table care_notes")
	chain := []string{"tenant-owned organizations", "fk-owned workspaces", "fk-owned surveys", "fk-owned displays", "fk-owned responses", "fk-owned runs", "fk-owned logs"}
	for i := 1; i < len(chain); i++ {
		before(chain[i-1], chain[i])
	}
	byName := func(name string) tenancy.Table {
		for _, tab := range p.Tables {
			if tab.Name == name && tab.Role != tenancy.RoleReference {
				return tab
			}
		}
		t.Fatalf("no table %s", name)
		return tenancy.Table{}
	}
	require.Equal(t, 6, byName("logs").Depth)
	require.NotZero(t, byName("teams").Cycle)
	require.Equal(t, byName("teams").Cycle, byName("members").Cycle)
	require.True(t, byName("responses").SelfRef)
	require.True(t, byName("invoices").SelfRef)
	require.Zero(t, byName("invoices").Cycle)
}

// TestMaliciousTenantID: the id is only ever data.
func TestMaliciousTenantID(t *testing.T) {
	t.Parallel()
	b := setup(t)
	evil := `x'; DROP TABLE users; --`
	p := b.plan(t, evil)
	require.Equal(t, `Évil "q" *x`, p.Tenant.Schema)
	got := b.selected(t, p)
	require.Equal(t, []int64{15}, got["tenant-owned public.subscriptions"])
	require.Equal(t, []int64{1}, got[`schema-table Évil "q" *x.residents`])
	require.NotContains(t, got, `schema-table Évil "q" abcx.residents`)
	for _, tab := range p.Tables {
		require.NotContains(t, tab.Where, "DROP")
	}
	var n int
	require.NoError(t, b.db.Pool.QueryRow(t.Context(), "SELECT count(*) FROM public.users").Scan(&n))
	require.Equal(t, 6, n)

	_, err := tenancy.LookupTenant(t.Context(), b.db.Pool, testConfig, `y'; DROP TABLE users; --`)
	require.ErrorIs(t, err, tenancy.ErrUnknownTenant)
}

// TestDeleteSQLRemovesOnlyTheTenant runs what a --replace restore runs:
// the owned tables' deletes in reverse plan order.
func TestDeleteSQLRemovesOnlyTheTenant(t *testing.T) {
	t.Parallel()
	b := setup(t)
	p := b.plan(t, "acme")
	ctx := t.Context()
	tx, err := b.db.Pool.Begin(ctx)
	require.NoError(t, err)
	defer func() { _ = tx.Rollback(ctx) }()
	require.NoError(t, tenancy.Bind(ctx, tx, "acme"))
	for i := len(p.Tables) - 1; i >= 0; i-- {
		if sql, ok := p.Tables[i].DeleteSQL(); ok {
			_, err := tx.Exec(ctx, sql)
			require.NoError(t, err, p.Tables[i].Name)
		}
	}
	counts := func(q pgx.Tx) map[string]int {
		out := map[string]int{}
		for _, tab := range []string{"subscriptions", "invoices", "payments", "logs", "responses", "members", "users", "plans"} {
			var n int
			require.NoError(t, q.QueryRow(ctx, "SELECT count(*) FROM public."+tab).Scan(&n))
			out[tab] = n
		}
		return out
	}
	require.Equal(t, map[string]int{"subscriptions": 3, "invoices": 3, "payments": 3, "logs": 2, "responses": 4, "members": 1, "users": 6, "plans": 4}, counts(tx))
}

func TestConfigValidateReportsAll(t *testing.T) {
	t.Parallel()
	err := tenancy.Config{TenantColumns: []string{""}, Exclude: []string{"nodot", ".x"}}.Validate()
	require.Error(t, err)
	require.Contains(t, err.Error(), "empty tenant column")
	require.Contains(t, err.Error(), `"nodot"`)
	require.Contains(t, err.Error(), `".x"`)
}

func TestConfigTenantTableDefaultsTheTenantsQuery(t *testing.T) {
	t.Parallel()
	c := tenancy.Config{TenantTable: tenancy.TenantTable{Table: "public.Organization", Key: "id", SchemaColumn: "schema name"}}.WithDefaults()
	require.Equal(t, `SELECT t."id"::text, t."schema name"::text FROM "public"."Organization" AS t ORDER BY 1`, c.TenantsQuery)
	err := tenancy.Config{TenantTable: tenancy.TenantTable{Table: "x"}, Ownership: map[string]tenancy.Edge{"a.b": "mine"}}.Validate()
	require.ErrorContains(t, err, `tenant_table.table "x"`)
	require.ErrorContains(t, err, "tenant_table.key is empty")
	require.ErrorContains(t, err, `ownership "a.b": want schema.table.constraint`)
	require.ErrorContains(t, err, `"mine" is not owned or reference`)
}
