package alerter_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/services/alerter/internal/alert"
)

// TestWALSlotAndLagPageAndResolve sends the events `arca wal-check --slot`
// publishes through NATS to a running alerter: a slot that retains too much
// WAL and a stream that lags each open their own incident, with its
// runbook; a passing check resolves each.
func TestWALSlotAndLagPageAndResolve(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.start(t)
	now := time.Now().UTC()
	check := func(stage string, problem string, at time.Time) messages.Event {
		e := messages.Event{Kind: messages.KindWAL, Stage: stage, Status: messages.StatusSucceeded, Time: at}
		if problem != "" {
			e.Status, e.Error = messages.StatusFailed, problem
		}
		return e
	}
	slotKey, lagKey := key(alert.WALSlotRetention, "", messages.KindWAL), key(alert.WALStreamLag, "", messages.KindWAL)

	b.event(t, check(messages.StageWALSlot, "replication slot arca_wal_receive retains 5.0 GiB of WAL on the primary (limit 4.0 GiB)", now))
	b.event(t, check(messages.StageWALStream, "no wal-receive connected to replication slot arca_wal_receive", now))
	slot := b.waitOpen(t, slotKey, true)
	require.Equal(t, "critical", slot.Severity)
	require.Contains(t, slot.Summary, "retains 5.0 GiB")
	lag := b.waitOpen(t, lagKey, true)
	require.Contains(t, lag.Summary, "no wal-receive connected")

	// The receiver is back: the lag resolves, the slot (still full) does not.
	b.event(t, check(messages.StageWALArchive, "", now.Add(time.Minute)))
	b.event(t, check(messages.StageWALStream, "", now.Add(time.Minute)))
	b.waitOpen(t, lagKey, false)
	in, ok := b.pd.Incident(slotKey)
	require.True(t, ok)
	require.True(t, in.Open, "the slot alert stays open until its own check passes")
	b.event(t, check(messages.StageWALSlot, "", now.Add(2*time.Minute)))
	b.waitOpen(t, slotKey, false)
	require.Empty(t, b.pd.Invalid())
}
