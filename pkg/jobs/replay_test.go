package jobs_test

import (
	"fmt"
	"testing"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/jobs"
	"github.com/arcabackup/arca/pkg/messages"
)

// Replay reads what the stream holds under its filters, in order, and
// returns; a stream not made yet says so.
func TestReplayReadsWhatTheStreamHoldsAndReturns(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := t.Context()

	var got []string
	collect := func(data []byte) {
		e, err := messages.Decode[messages.Event](data)
		require.NoError(t, err)
		got = append(got, e.BackupID)
	}
	verified := []string{"events.*.*." + messages.StageVerify + "." + string(messages.StatusSucceeded)}
	require.NoError(t, jobs.Replay(ctx, b.js, messages.StreamEvents, verified, collect))
	require.Empty(t, got, "an empty stream")

	var want []string
	for i := range 600 { // more than one fetch
		stage, status := messages.StageVerify, messages.StatusSucceeded
		switch i % 3 {
		case 1:
			stage = messages.StageExport
		case 2:
			status = messages.StatusFailed
		}
		id := fmt.Sprintf("b%03d", i)
		require.NoError(t, b.pub.Event(ctx, messages.Event{Tenant: "acme", Kind: messages.KindTenant, BackupID: id, Stage: stage, Status: status}))
		if i%3 == 0 {
			want = append(want, id)
		}
	}
	require.NoError(t, jobs.Replay(ctx, b.js, messages.StreamEvents, verified, collect))
	require.Equal(t, want, got)

	got = nil
	require.NoError(t, jobs.Replay(ctx, b.js, messages.StreamEvents, []string{messages.SubjectEvents}, collect))
	require.Len(t, got, 600)

	err := jobs.Replay(ctx, b.js, "NO_SUCH_STREAM", nil, collect)
	require.ErrorIs(t, err, jetstream.ErrStreamNotFound)
}
