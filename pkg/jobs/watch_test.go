package jobs_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
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

// FollowEvents from the last of each subject hands over the newest event of
// every subject first (what the metrics feed starts from), then new ones.
func TestFollowEventsFromTheLastOfEachSubject(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := t.Context()
	ev := func(backupID string, part int) messages.Event {
		return messages.Event{Tenant: "acme", Kind: messages.KindTenant, BackupID: backupID, Stage: messages.StageExport,
			Status: messages.StatusStarted, Part: &part}
	}
	for _, e := range []messages.Event{ev("a", 1), ev("a", 2), ev("b", 1)} {
		require.NoError(t, b.pub.Event(ctx, e))
	}
	got := make(chan messages.Event, 16)
	stop, err := jobs.FollowEvents(ctx, b.js, jetstream.DeliverLastPerSubjectPolicy, func(e messages.Event) { got <- e })
	require.NoError(t, err)
	defer stop()
	next := func() string {
		t.Helper()
		select {
		case e := <-got:
			return fmt.Sprintf("%s/%d", e.BackupID, *e.Part)
		case <-time.After(teststack.MinWait):
			t.Fatal("no event delivered")
			return ""
		}
	}
	require.ElementsMatch(t, []string{"a/2", "b/1"}, []string{next(), next()})
	require.NoError(t, b.pub.Event(ctx, ev("a", 3)))
	require.Equal(t, "a/3", next())
}
