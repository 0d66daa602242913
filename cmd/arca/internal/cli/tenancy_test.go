package cli_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/teststack"
)

// tenancy plan shows each tenant's tables read-only; a tenant whose plan
// owns nothing fails it with one line naming the tenant.
func TestTenancyPlanShowsEachTenantAndFailsAnEmptyOne(t *testing.T) {
	t.Parallel()
	db := teststack.NewDatabase(t)
	_, err := db.Pool.Exec(t.Context(), homes)
	require.NoError(t, err)
	e := newBucketEnvWith(t, db.URL)

	out, errOut, code := e.arca(t, "--json", "tenancy", "plan", "--tenant", "home-1")
	require.Equal(t, 0, code, errOut)
	var rep map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &rep), out)
	require.Contains(t, out, "residents")

	_, err = db.Pool.Exec(t.Context(), `INSERT INTO tenants VALUES ('home-9', 'Lar vazio')`)
	require.NoError(t, err)
	out, errOut, code = e.arca(t, "tenancy", "plan")
	require.Equal(t, 1, code, errOut)
	require.Contains(t, out, "tenant home-1")
	lines := strings.Split(strings.TrimSpace(errOut), "\n")
	require.Len(t, lines, 1, errOut)
	require.Equal(t, "arca: tenant home-9: the plan selects no row of the tenant: check tenant_table and tenant_columns", lines[0])
}
