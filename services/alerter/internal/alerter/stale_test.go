package alerter_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/services/alerter/internal/alert"
	"github.com/arcabackup/arca/services/alerter/internal/rules"
)

// With the clock 25 h after a tenant's last success, backup-stale fires;
// a drill 30 days and an hour old fires drill-overdue. The history is in
// EVENTS before the alerter starts, as after a restart.
func TestStaleTenantAndOverdueDrill(t *testing.T) {
	t.Parallel()
	b := setup(t)
	t0 := time.Now().UTC().Add(-48 * time.Hour)
	b.event(t, committed("stale-co", 1<<20, t0))
	b.event(t, committed("fresh-co", 1<<20, t0))
	b.event(t, committed("fresh-co", 1<<20, t0.Add(24*time.Hour)))
	b.event(t, messages.Event{Kind: messages.KindFull, Stage: rules.StageDrill, Status: messages.StatusSucceeded, Time: t0.Add(-29 * 24 * time.Hour)})
	b.clock.Set(t0.Add(25 * time.Hour))
	b.start(t)

	staleKey := key(alert.BackupStale, "stale-co", messages.KindTenant)
	in := b.waitOpen(t, staleKey, true)
	require.Equal(t, "critical", in.Severity)
	require.Contains(t, in.Summary, "stale-co")
	drill := b.waitOpen(t, key(alert.DrillOverdue, "", messages.KindFull), true)
	require.Equal(t, "error", drill.Severity, "high maps to PagerDuty's error")
	require.Equal(t, routingKeys["PD_KEY_HIGH"], drill.Routing)
	_, paged := b.pd.Incident(key(alert.BackupStale, "fresh-co", messages.KindTenant))
	require.False(t, paged, "a tenant backed up 1 h ago is not stale")

	b.event(t, committed("stale-co", 1<<20, t0.Add(25*time.Hour)))
	b.waitOpen(t, staleKey, false)
}
