package stale_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/services/alerter/internal/alert"
	"github.com/arcabackup/arca/services/alerter/internal/rules"
	"github.com/arcabackup/arca/services/alerter/internal/stale"
)

func TestMemoryAndCheck(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 3, 1, 1, 0, 0, 0, time.UTC)
	part := 1
	m := stale.NewMemory()
	ev := func(tenant string, kind messages.Kind, stage string, s messages.Status, at time.Time) messages.Event {
		return messages.Event{V: 1, Tenant: tenant, Kind: kind, Stage: stage, Status: s, Time: at}
	}
	m.Observe(ev("ok", messages.KindTenant, messages.StageUpload, messages.StatusSucceeded, t0.Add(-2*time.Hour)))
	m.Observe(ev("ok", messages.KindTenant, messages.StageVerify, messages.StatusSucceeded, t0.Add(-time.Hour)))
	m.Observe(ev("late", messages.KindTenant, messages.StageUpload, messages.StatusSucceeded, t0.Add(-30*time.Hour)))
	m.Observe(ev("late", messages.KindTenant, messages.StageExport, messages.StatusFailed, t0.Add(-time.Hour)))
	m.Observe(ev("never", messages.KindTenant, messages.StageExport, messages.StatusFailed, t0.Add(-25*time.Hour)))
	partEv := ev("late", messages.KindTenant, messages.StageUpload, messages.StatusSucceeded, t0)
	partEv.Part = &part
	m.Observe(partEv) // a part is not a backup
	m.Observe(ev("", messages.KindFull, messages.StageUpload, messages.StatusSucceeded, t0.Add(-72*time.Hour)))
	m.Observe(ev("", messages.KindFull, rules.StageDrill, messages.StatusSucceeded, t0.Add(-31*24*time.Hour)))

	alerts, err := stale.Check(t.Context(), m, stale.Policy{
		StaleAfter:        map[messages.Kind]time.Duration{messages.KindTenant: 24 * time.Hour},
		DrillOverdueAfter: 30 * 24 * time.Hour,
	}, t0)
	require.NoError(t, err)
	got := map[string]alert.Action{}
	for _, a := range alerts {
		got[string(a.Check)+"/"+a.Scope.Tenant+"/"+string(a.Scope.Kind)] = a.Action
		require.Equal(t, t0, a.Time)
	}
	require.Equal(t, map[string]alert.Action{
		"backup-stale/ok/tenant":    alert.Resolve,
		"backup-stale/late/tenant":  alert.Trigger, // failures do not make a tenant fresh
		"backup-stale/never/tenant": alert.Trigger, // never succeeded since first seen 25 h ago
		"drill-overdue//full":       alert.Trigger,
		// full backups are not checked by this policy
	}, got)
}
