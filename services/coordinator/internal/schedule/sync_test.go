package schedule_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/teststack"
	"github.com/arcabackup/arca/services/coordinator/internal/schedule"
)

// Sync publishes new and changed schedules, leaves unchanged ones alone
// (their timers keep running) and purges removed ones.
func TestSyncAddsChangesKeepsAndRemoves(t *testing.T) {
	t.Parallel()
	n := teststack.NewNATS(t)
	ctx := t.Context()
	s, err := schedule.EnsureStream(ctx, n.JS, 1)
	require.NoError(t, err)
	daily := schedule.Definition{Name: "tenant_export", Kind: "tenant", Expr: "0 0 1 * * *", TimeZone: "America/Sao_Paulo"}
	weekly := schedule.Definition{Name: "full", Kind: "full", Expr: "0 0 2 * * 0", TimeZone: "America/Sao_Paulo"}
	require.NoError(t, schedule.Sync(ctx, n.JS, s, []schedule.Definition{daily, weekly}))

	last := func(name string) uint64 {
		m, err := s.GetLastMsgForSubject(ctx, schedule.DefSubject(name))
		require.NoError(t, err)
		return m.Sequence
	}
	seqDaily, seqWeekly := last("tenant_export"), last("full")
	m, err := s.GetLastMsgForSubject(ctx, schedule.DefSubject("tenant_export"))
	require.NoError(t, err)
	require.Equal(t, "0 0 1 * * *", m.Header.Get(schedule.HeaderSchedule))
	require.Equal(t, "America/Sao_Paulo", m.Header.Get(schedule.HeaderTimeZone))
	require.Equal(t, schedule.FireSubject("tenant_export"), m.Header.Get(schedule.HeaderTarget))

	// Same configuration again (another replica starting): nothing written.
	require.NoError(t, schedule.Sync(ctx, n.JS, s, []schedule.Definition{daily, weekly}))
	require.Equal(t, seqDaily, last("tenant_export"))
	require.Equal(t, seqWeekly, last("full"))

	// Changed daily, removed weekly, added @every (no zone sent for it).
	daily.Expr = "0 30 1 * * *"
	every := schedule.Definition{Name: "retention", Kind: "retention", Expr: "@every 1h", TimeZone: "America/Sao_Paulo"}
	require.NoError(t, schedule.Sync(ctx, n.JS, s, []schedule.Definition{daily, every}))
	require.Greater(t, last("tenant_export"), seqDaily)
	m, err = s.GetLastMsgForSubject(ctx, schedule.DefSubject("retention"))
	require.NoError(t, err)
	require.Empty(t, m.Header.Get(schedule.HeaderTimeZone))
	info, err := s.Info(ctx)
	require.NoError(t, err)
	_, err = s.GetLastMsgForSubject(ctx, schedule.DefSubject("full"))
	require.Error(t, err, "the removed schedule is purged")
	require.NotZero(t, info.State.Msgs)
}

func TestValidateExpr(t *testing.T) {
	t.Parallel()
	for _, ok := range []string{"0 0 1 * * *", "*/2 * * * * *", "@daily", "@every 2s"} {
		require.NoError(t, schedule.ValidateExpr(ok), ok)
	}
	for _, bad := range []string{"0 1 * * *", "@every 10ms", "@every x", ""} {
		require.Error(t, schedule.ValidateExpr(bad), bad)
	}
}
