package roundtrip_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/restore"
)

// The plan of a replace counts, table by table, the rows the backup writes
// and the live rows the restore deletes first; it writes nothing.
func TestPlanTenantCountsWhatAReplaceWouldDelete(t *testing.T) {
	t.Parallel()
	b := setup(t)
	s := b.backup(t, acme, 512<<10)
	runSQL(t, b.db, `DELETE FROM public.payments WHERE id = 32`)
	before := everything(t, b.db.URL)

	p, err := restore.PlanTenant(t.Context(), b.db.URL, s.m, tenancyConfig, true)
	require.NoError(t, err)
	require.Equal(t, before, everything(t, b.db.URL))
	require.Equal(t, "tenant_acme_1f2e", p.Schema)
	byName := map[string]restore.PlannedTable{}
	for _, tab := range p.Tables {
		byName[tab.Schema+"."+tab.Name] = tab
	}
	pay := byName["public.payments"]
	require.Equal(t, pay.Rows-1, pay.Deletes, "one payment deleted since the backup")

	p, err = restore.PlanTenant(t.Context(), "postgres://unreachable.invalid/x", s.m, tenancyConfig, false)
	require.NoError(t, err, "only a replace reads the database")
	require.Empty(t, p.Schema)
	for _, tab := range p.Tables {
		require.Zero(t, tab.Deletes)
	}
}
