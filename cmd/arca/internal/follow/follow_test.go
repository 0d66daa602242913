package follow_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/cmd/arca/internal/follow"
	"github.com/arcabackup/arca/pkg/messages"
)

func TestAwaitDecidesEachBackupFromItsEvents(t *testing.T) {
	t.Parallel()
	var s follow.Set
	ok, bad, dead := s.Add("a", "b-a"), s.Add("b", "b-b"), s.Add("c", "b-c")
	events := make(chan messages.Event, 8)
	events <- messages.Event{BackupID: "b-a", Stage: messages.StageExport, Status: messages.StatusSucceeded}
	events <- messages.Event{BackupID: "other", Stage: messages.StageVerify, Status: messages.StatusSucceeded}
	events <- messages.Event{BackupID: "b-a", Stage: messages.StageVerify, Status: messages.StatusSucceeded, Bytes: 30,
		Attrs: map[string]string{"tables": "2", "rows": "7", "plain_bytes": "100", "manifest": "m.json"}}
	events <- messages.Event{BackupID: "b-b", Stage: messages.StageVerify, Status: messages.StatusFailed, Error: "part 1 tampered"}
	events <- messages.Event{BackupID: "b-c", Stage: messages.StageUpload, Status: messages.StatusDeadLettered, Error: "no bucket"}
	events <- messages.Event{BackupID: "b-a", Stage: messages.StageVerify, Status: messages.StatusFailed}
	var seen, decided int
	err := s.Await(t.Context(), events, time.Now(), time.Hour, follow.Hooks{
		Event: func(messages.Event) { seen++ }, Decided: func(*follow.Outcome) { decided++ }})
	require.NoError(t, err)
	require.Equal(t, 3, decided)
	require.Equal(t, 4, seen, "events of other backups, or of decided ones, are not shown")
	require.Equal(t, follow.Outcome{Tenant: "a", BackupID: "b-a", Status: "verified", Tables: 2, Rows: 7, PlainBytes: 100, Bytes: 30,
		Seconds: ok.Seconds, Manifest: "m.json"}, *ok)
	require.Equal(t, "failed", bad.Status)
	require.Equal(t, "part 1 tampered", bad.Reason)
	require.Equal(t, "dead_lettered", dead.Status)
	require.Equal(t, "upload: no bucket", dead.Reason)
	require.Equal(t, 2, s.NotVerified())
}

func TestAwaitTimesOutWhatIsStillQueued(t *testing.T) {
	t.Parallel()
	var s follow.Set
	o := s.Add("a", "b-a")
	require.NoError(t, s.Await(t.Context(), nil, time.Now(), time.Millisecond, follow.Hooks{}))
	require.Equal(t, "timeout", o.Status)
	require.Equal(t, "not verified within 1ms", o.Reason)

	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	var s2 follow.Set
	s2.Add("a", "b-a")
	require.ErrorIs(t, s2.Await(ctx, nil, time.Now(), time.Hour, follow.Hooks{}), context.Canceled)
}

// A further destination's copy (its events carry the destination) never
// decides the backup: the primary's verification does.
func TestAwaitIgnoresTheCopiesOfFurtherDestinations(t *testing.T) {
	t.Parallel()
	var s follow.Set
	o := s.Add("a", "b-a")
	copyOf := map[string]string{messages.DestinationAttr: "dr"}
	events := make(chan messages.Event, 4)
	events <- messages.Event{BackupID: "b-a", Stage: messages.StageCopy, Status: messages.StatusFailed, Error: "dr down", Attrs: copyOf}
	events <- messages.Event{BackupID: "b-a", Stage: messages.StageVerify, Status: messages.StatusFailed, Error: "copy tampered", Attrs: copyOf}
	events <- messages.Event{BackupID: "b-a", Stage: messages.StageVerify, Status: messages.StatusSucceeded, Attrs: map[string]string{"manifest": "m.json"}}
	require.NoError(t, s.Await(t.Context(), events, time.Now(), time.Hour, follow.Hooks{}))
	require.Equal(t, "verified", o.Status)
}
