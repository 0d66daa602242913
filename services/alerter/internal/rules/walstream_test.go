package rules_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/services/alerter/internal/alert"
	"github.com/arcabackup/arca/services/alerter/internal/rules"
)

// The stream's checks are their own alerts: a passing archive check or a
// passing lag check does not resolve a slot that fills the primary's disk.
func TestWALStreamChecksAreTheirOwnAlerts(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 3, 1, 1, 0, 0, 0, time.UTC)
	ev := func(stage string, s messages.Status) messages.Event {
		return messages.Event{V: 1, Kind: messages.KindWAL, Stage: stage, Status: s, Time: at, Error: "slot retains 5 GiB"}
	}
	one := func(e messages.Event) alert.Alert {
		as := rules.Event(e, rules.Limits{})
		require.Len(t, as, 1)
		return as[0]
	}
	slot := one(ev(messages.StageWALSlot, messages.StatusFailed))
	require.Equal(t, alert.WALSlotRetention, slot.Check)
	require.Equal(t, alert.Trigger, slot.Action)
	require.Equal(t, alert.Critical, slot.Severity)
	require.Contains(t, slot.Summary, "slot retains 5 GiB")
	lag := one(ev(messages.StageWALStream, messages.StatusFailed))
	require.Equal(t, alert.WALStreamLag, lag.Check)
	require.NotEqual(t, slot.DedupKey(), lag.DedupKey())
	require.Equal(t, alert.Resolve, one(ev(messages.StageWALSlot, messages.StatusSucceeded)).Action)

	for _, a := range rules.Event(ev(messages.StageWALArchive, messages.StatusSucceeded), rules.Limits{}) {
		require.NotEqual(t, slot.DedupKey(), a.DedupKey(), "the archive check resolves %s", a.Check)
	}
}
