package outbox_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/pkg/teststack"
	"github.com/arcabackup/arca/services/alerter/internal/alert"
	"github.com/arcabackup/arca/services/alerter/internal/outbox"
)

var t0 = time.Date(2026, 3, 1, 1, 0, 0, 0, time.UTC)

func open(t *testing.T) *outbox.Outbox {
	t.Helper()
	ob, err := outbox.Open(t.Context(), teststack.NewNATS(t).JS, outbox.Options{Bucket: "ALERTS_TEST"})
	require.NoError(t, err)
	return ob
}

func at(action alert.Action, d time.Duration) alert.Alert {
	a := alert.New(alert.BackupFailed, action, alert.Scope{Tenant: "acme", Kind: messages.KindTenant})
	a.Time = t0.Add(d)
	return a
}

func TestRecordKeepsTheLatestStatePerKey(t *testing.T) {
	t.Parallel()
	ob := open(t)
	ctx := t.Context()
	key := at(alert.Trigger, 0).DedupKey()

	changed, err := ob.Record(ctx, at(alert.Resolve, 0))
	require.NoError(t, err)
	require.False(t, changed, "resolving a key PagerDuty never heard of is a no-op")

	changed, err = ob.Record(ctx, at(alert.Trigger, time.Minute))
	require.NoError(t, err)
	require.True(t, changed)
	changed, err = ob.Record(ctx, at(alert.Trigger, 2*time.Minute))
	require.NoError(t, err)
	require.False(t, changed, "the same state again is a no-op")
	changed, err = ob.Record(ctx, at(alert.Resolve, -time.Hour))
	require.NoError(t, err)
	require.False(t, changed, "an older state arriving late is ignored")

	e, err := ob.Get(ctx, key)
	require.NoError(t, err)
	require.True(t, e.Pending)
	require.Equal(t, uint64(1), e.Version)
	select {
	case <-ob.Changed():
	default:
		t.Fatal("Record did not signal the change")
	}
}

func TestSettleKeepsANewerStatePending(t *testing.T) {
	t.Parallel()
	ob := open(t)
	ctx := t.Context()
	key := at(alert.Trigger, 0).DedupKey()
	_, err := ob.Record(ctx, at(alert.Trigger, 0))
	require.NoError(t, err)
	// While version 1 is being sent, the backup recovers.
	_, err = ob.Record(ctx, at(alert.Resolve, time.Hour))
	require.NoError(t, err)
	require.NoError(t, ob.Settle(ctx, key, 1, outbox.Triggered))

	e, err := ob.Get(ctx, key)
	require.NoError(t, err)
	require.True(t, e.Pending, "the resolve recorded meanwhile is still to send")
	require.Equal(t, outbox.Triggered, e.Delivered, "PagerDuty holds the trigger")
	require.Equal(t, alert.Resolve, e.Alert.Action)

	require.NoError(t, ob.Settle(ctx, key, e.Version, outbox.NotDelivered))
	e, err = ob.Get(ctx, key)
	require.NoError(t, err)
	require.Nil(t, e, "a resolved, delivered entry is removed")
	entries, err := ob.Entries(ctx)
	require.NoError(t, err)
	require.Empty(t, entries)
}

func TestRejectStopsRetriesUntilTheNextState(t *testing.T) {
	t.Parallel()
	ob := open(t)
	ctx := t.Context()
	key := at(alert.Trigger, 0).DedupKey()
	_, err := ob.Record(ctx, at(alert.Trigger, 0))
	require.NoError(t, err)
	require.NoError(t, ob.Reject(ctx, key, 1, "invalid"))
	e, err := ob.Get(ctx, key)
	require.NoError(t, err)
	require.False(t, e.Pending)
	require.Equal(t, "invalid", e.Rejected)

	changed, err := ob.Record(ctx, at(alert.Resolve, time.Hour))
	require.NoError(t, err)
	require.True(t, changed)
	e, err = ob.Get(ctx, key)
	require.NoError(t, err)
	require.True(t, e.Pending)
	require.Empty(t, e.Rejected)
}
