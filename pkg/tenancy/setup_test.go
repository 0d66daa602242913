package tenancy_test

import (
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/tenancy"
	"github.com/arcabackup/arca/pkg/teststack"
)

var testConfig = tenancy.Config{
	TenantTable: tenancy.TenantTable{Table: "public.tenants", Key: "id", SchemaColumn: "schemaName"},
	Exclude:     []string{"public._prisma_migrations"},
	// A follow-up response has no display: its nullable foreign keys own.
	Ownership: map[string]tenancy.Edge{
		"public.responses.responses_display_id_fkey": tenancy.EdgeOwned,
		"public.responses.responses_parent_id_fkey":  tenancy.EdgeOwned,
	},
}

type bundle struct {
	db *teststack.Database
}

func setup(t *testing.T) *bundle {
	t.Helper()
	return &bundle{db: teststack.NewFixtureDatabase(t)}
}

// plan discovers a tenant's plan.
func (b *bundle) plan(t *testing.T, id string) *tenancy.Plan {
	t.Helper()
	tenant, err := tenancy.LookupTenant(t.Context(), b.db.Pool, testConfig, id)
	require.NoError(t, err)
	p, err := tenancy.Discover(t.Context(), b.db.Pool, testConfig, tenant)
	require.NoError(t, err)
	return p
}

// selected runs every selection of the plan for the tenant and returns the
// selected ids per "role schema.table".
func (b *bundle) selected(t *testing.T, p *tenancy.Plan) map[string][]int64 {
	t.Helper()
	out := map[string][]int64{}
	err := pgx.BeginFunc(t.Context(), b.db.Pool, func(tx pgx.Tx) error {
		if err := tenancy.Bind(t.Context(), tx, p.Tenant.ID); err != nil {
			return err
		}
		if _, err := tx.Exec(t.Context(), "SET LOCAL jit = off"); err != nil {
			return err
		}
		for _, tab := range p.Tables {
			key := string(tab.Role) + " " + tab.Schema + "." + tab.Name
			if tab.Name == "tenants" {
				continue // text ids; checked separately
			}
			rows, err := tx.Query(t.Context(), "SELECT id FROM ("+tab.SelectSQL()+") s ORDER BY id")
			if err != nil {
				return err
			}
			ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
			if err != nil {
				return err
			}
			if len(ids) > 0 {
				out[key] = ids
			}
		}
		return nil
	})
	require.NoError(t, err)
	return out
}
