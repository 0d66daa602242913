package drill_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/restore/drill"
)

func TestADrillPrintsTheTenantsThenTheFullDump(t *testing.T) {
	o := drill.Outcome{Tenants: drill.Report{Passed: true}, Full: &drill.FullReport{BackupID: "f1", Passed: true, Tables: 3, Rows: 40, RTOSeconds: 2.5}}
	var w strings.Builder
	o.WriteText(&w)
	require.True(t, strings.HasPrefix(w.String(), o.Tenants.Summary()))
	require.True(t, strings.HasSuffix(w.String(), "full dump f1: passed true, 3 tables, 40 rows, RTO 2.5s \n"), w.String())
}
