package jobs_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/jobs"
	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/pkg/teststack"
)

// An event's error never carries the password of a URL it quotes: events
// reach the catalog, the API and PagerDuty.
func TestEventErrorsAreRedacted(t *testing.T) {
	t.Parallel()
	n := teststack.NewNATS(t)
	ctx := t.Context()
	require.NoError(t, jobs.EnsureStreams(ctx, n.JS, jobs.StreamOptions{}))
	e := messages.Event{Tenant: "t", BackupID: "b", Stage: messages.StageExport, Status: messages.StatusFailed,
		Error: `connect source: parse "postgres://arca_backup:s3cret@db/app": invalid port`}
	require.NoError(t, jobs.NewPublisher(n.JS).Event(ctx, e))
	s, err := n.JS.Stream(ctx, messages.StreamEvents)
	require.NoError(t, err)
	msg, err := s.GetLastMsgForSubject(ctx, e.Subject())
	require.NoError(t, err)
	require.NotContains(t, string(msg.Data), "s3cret")
	require.Contains(t, string(msg.Data), "arca_backup:xxxxx@db")
}
