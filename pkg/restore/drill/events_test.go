package drill_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/restore/drill"
)

func TestReportEventsAndErr(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 11, 28, 1, 0, 0, 0, time.UTC)
	rep := drill.Report{StartedAt: start, FinishedAt: start.Add(time.Minute), Passed: false, Tenants: []drill.TenantReport{
		{Tenant: "a", BackupID: "b-a", Passed: true, RTO: time.Second, RTOSeconds: 1},
		{Tenant: "b", BackupID: "b-b", Reason: "table x has 1 rows, manifest says 2"},
	}}
	ev := rep.Events("run-1")
	require.Len(t, ev, 3)
	require.Equal(t, "succeeded", string(ev[0].Status))
	require.Equal(t, "1.000", ev[0].Attrs["rto_seconds"])
	require.Equal(t, "failed", string(ev[1].Status))
	require.Equal(t, rep.Tenants[1].Reason, ev[1].Error)
	require.Equal(t, "failed", string(ev[2].Status))
	require.Equal(t, "2", ev[2].Attrs["tenants"])
	require.Empty(t, ev[2].Tenant, "the run's event")

	require.EqualError(t, rep.Err(&drill.FullReport{BackupID: "f", Reason: "no table"}),
		"drill failed: full dump f: no table; b (b-b): table x has 1 rows, manifest says 2")
	require.NoError(t, drill.Report{Passed: true}.Err(nil))
	require.NoError(t, drill.Report{Passed: true}.Err(&drill.FullReport{Passed: true}))
	require.Error(t, drill.Report{Passed: true}.Err(&drill.FullReport{BackupID: "f"}))
}
