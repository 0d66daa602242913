package tenancy_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/tenancy"
	"github.com/arcabackup/arca/pkg/teststack"
)

// Each table owned through two parents, 40 deep: about 10^8 foreign-key
// paths lead from the tenant to the last table. Selections name each
// table's rows once, so their SQL grows with the tables, not the paths.
func TestSelectionsGrowWithTablesNotPaths(t *testing.T) {
	t.Parallel()
	db := teststack.NewDatabase(t)
	var b strings.Builder
	b.WriteString(`CREATE TABLE public.tenants (id text PRIMARY KEY);
CREATE TABLE public.t0 (id int PRIMARY KEY, "tenantId" text NOT NULL REFERENCES public.tenants);
CREATE TABLE public.t1 (id int PRIMARY KEY, a int NOT NULL REFERENCES public.t0);
INSERT INTO public.tenants VALUES ('x'), ('y');
INSERT INTO public.t0 VALUES (1, 'x'), (2, 'y');
INSERT INTO public.t1 VALUES (1, 1), (2, 2);
`)
	const n = 40
	for i := 2; i <= n; i++ {
		fmt.Fprintf(&b, "CREATE TABLE public.t%d (id int PRIMARY KEY, a int NOT NULL REFERENCES public.t%d, b int NOT NULL REFERENCES public.t%d);\n", i, i-1, i-2)
		fmt.Fprintf(&b, "INSERT INTO public.t%d VALUES (1, 1, 1), (2, 2, 2), (3, 1, 2);\n", i)
	}
	_, err := db.Pool.Exec(t.Context(), b.String(), pgx.QueryExecModeSimpleProtocol)
	require.NoError(t, err)

	cfg := tenancy.Config{TenantTable: tenancy.TenantTable{Table: "public.tenants", Key: "id"}}
	p, err := tenancy.Discover(t.Context(), db.Pool, cfg, tenancy.Tenant{ID: "x"})
	require.NoError(t, err)
	got := (&bundle{db: db}).selected(t, p)
	for i := 2; i <= n; i++ {
		tab := fmt.Sprintf("public.t%d", i)
		require.Equal(t, []int64{1, 3}, got["fk-owned "+tab], "%s: x's row, and the row joining x's and y's", tab)
		if i <= n-2 { // t(i+2)'s shared row points at y's row of t(i)
			require.Equal(t, []int64{2}, got["reference "+tab], "%s: y's row, which x's shared row points at", tab)
		}
	}
	require.Equal(t, []int64{2}, got["reference public.t0"], "y's rows are closed upwards")
	for _, tab := range p.Tables {
		require.Less(t, len(tab.Where), 64<<10, "%s.%s", tab.Schema, tab.Name)
	}
}
