package jobs_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/jobs"
	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/pkg/teststack"
)

// WatchEvents delivers what is published after it starts, not before.
func TestWatchEventsDeliversOnlyNewEvents(t *testing.T) {
	n := teststack.NewNATS(t)
	ctx := t.Context()
	require.NoError(t, jobs.EnsureStreams(ctx, n.JS, jobs.StreamOptions{}))
	pub := jobs.NewPublisher(n.JS)
	require.NoError(t, pub.Event(ctx, messages.Event{Tenant: "acme", Kind: messages.KindTenant, BackupID: "before", Stage: messages.StageExport, Status: messages.StatusStarted}))
	events, stop, err := jobs.WatchEvents(ctx, n.JS)
	require.NoError(t, err)
	defer stop()
	require.NoError(t, pub.Event(ctx, messages.Event{Tenant: "acme", Kind: messages.KindTenant, BackupID: "after", Stage: messages.StageExport, Status: messages.StatusStarted}))
	select {
	case e := <-events:
		require.Equal(t, "after", e.BackupID)
	case <-ctx.Done():
		t.Fatal("no event delivered")
	case <-time.After(time.Minute):
		t.Fatal("no event delivered in a minute")
	}
}
