package storm_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/services/alerter/internal/alert"
	"github.com/arcabackup/arca/services/alerter/internal/outbox"
	"github.com/arcabackup/arca/services/alerter/internal/storm"
)

var now = time.Date(2026, 3, 1, 1, 0, 0, 0, time.UTC)

func entry(tenant string, action alert.Action, pending bool, d outbox.Delivery) outbox.Entry {
	a := alert.New(alert.BackupFailed, action, alert.Scope{Tenant: tenant, Kind: messages.KindTenant})
	return outbox.Entry{Key: a.DedupKey(), Alert: a, Version: 1, Pending: pending, Delivered: d}
}

func failures(n int) []outbox.Entry {
	var out []outbox.Entry
	for i := range n {
		out = append(out, entry(fmt.Sprintf("t%d", i), alert.Trigger, true, outbox.NotDelivered))
	}
	return out
}

func sends(p storm.Plan) int {
	n := 0
	for _, s := range p.Steps {
		if s.Send {
			n++
		}
	}
	return n
}

func TestBelowThresholdSendsEachTrigger(t *testing.T) {
	t.Parallel()
	p := storm.Decide(failures(3), 3, now)
	require.Empty(t, p.Record)
	require.Equal(t, 3, sends(p))
}

func TestAboveThresholdAbsorbsAndOpensOneAggregate(t *testing.T) {
	t.Parallel()
	entries := append(failures(5), entry("open", alert.Trigger, false, outbox.Triggered))
	p := storm.Decide(entries, 5, now)
	require.Len(t, p.Record, 1)
	agg := p.Record[0]
	require.True(t, agg.Aggregate)
	require.Equal(t, alert.Trigger, agg.Action)
	require.Equal(t, "5", agg.Details["count"])
	require.Equal(t, alert.StormKey(alert.BackupFailed, messages.KindTenant), agg.DedupKey())
	require.Zero(t, sends(p))
	for _, s := range p.Steps {
		require.Equal(t, outbox.Absorbed, s.Then)
	}
}

func TestOpenStormAbsorbsNewTriggersAndSendsItsOwnTrigger(t *testing.T) {
	t.Parallel()
	aggAlert := alert.New(alert.BackupFailed, alert.Trigger, alert.Scope{Kind: messages.KindTenant})
	aggAlert.Aggregate = true
	agg := outbox.Entry{Key: aggAlert.DedupKey(), Alert: aggAlert, Version: 1, Pending: true}
	p := storm.Decide(append(failures(2), agg), 10, now)
	require.Empty(t, p.Record)
	require.Equal(t, 1, sends(p), "only the aggregate is sent")
	last := p.Steps[len(p.Steps)-1]
	require.True(t, last.Entry.Alert.Aggregate, "sends come after silent settles")
}

func TestRecoveryResolvesIndividuallyThenTheAggregate(t *testing.T) {
	t.Parallel()
	aggAlert := alert.New(alert.BackupFailed, alert.Trigger, alert.Scope{Kind: messages.KindTenant})
	aggAlert.Aggregate = true
	agg := outbox.Entry{Key: aggAlert.DedupKey(), Alert: aggAlert, Version: 1, Delivered: outbox.Triggered}
	entries := []outbox.Entry{
		agg,
		entry("sent", alert.Resolve, true, outbox.Triggered),
		entry("absorbed", alert.Resolve, true, outbox.Absorbed),
		entry("never-sent", alert.Resolve, true, outbox.NotDelivered),
	}
	p := storm.Decide(entries, 10, now)
	require.Equal(t, 1, sends(p), "only the individually paged scope is resolved by request")
	require.Len(t, p.Record, 1)
	require.Equal(t, alert.Resolve, p.Record[0].Action)
	require.True(t, p.Record[0].Aggregate)
}

func TestStormStaysOpenWhileAbsorbedScopesRemain(t *testing.T) {
	t.Parallel()
	aggAlert := alert.New(alert.BackupFailed, alert.Trigger, alert.Scope{Kind: messages.KindTenant})
	aggAlert.Aggregate = true
	agg := outbox.Entry{Key: aggAlert.DedupKey(), Alert: aggAlert, Version: 1, Delivered: outbox.Triggered}
	p := storm.Decide([]outbox.Entry{agg, entry("still-failing", alert.Trigger, false, outbox.Absorbed)}, 10, now)
	require.Empty(t, p.Record)
	require.Empty(t, p.Steps)
}
