package tenancy_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/tenancy"
)

func TestAReportPrintsEachTenantsTablesThenWhatNoOneOrSeveralOwn(t *testing.T) {
	r := &tenancy.Report{
		Tenants: []tenancy.TenantReport{
			{ID: "acme", Schema: "acme", Tables: []tenancy.TableReport{{Schema: "acme", Name: "orders", Role: "owned", Path: "tenant_id", Rows: 12}}},
			{ID: "beta", Error: "no tables"},
		},
		Unowned:  []tenancy.TableCount{{Table: "public.notes", Rows: 3}},
		Warnings: []string{"public.audit has no tenant column"},
	}
	var w strings.Builder
	r.WriteText(&w)
	lines := strings.Split(strings.TrimSpace(w.String()), "\n")
	require.Equal(t, "tenant acme (schema acme)", lines[0])
	require.Regexp(t, `^  owned\s+acme\.orders\s+12 rows\s+tenant_id$`, lines[1])
	require.Equal(t, "tenant beta", lines[2])
	require.Equal(t, "  error: no tables", lines[3])
	require.Equal(t, "unowned: public.notes: 3 rows no tenant owns", lines[4])
	require.Equal(t, "warning: public.audit has no tenant column", lines[5])
}
