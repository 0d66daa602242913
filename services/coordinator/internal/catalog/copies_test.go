package catalog_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/services/coordinator/internal/catalog"
)

// A copy's events (store.destinations) are recorded per destination and
// never touch the primary's job or backup: a failed copy or a damaged copy
// leaves the verified backup verified.
func TestCopyEventsAreRecordedPerDestinationAndLeaveThePrimaryAlone(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	c, db := newCatalog(t)
	t0 := time.Date(2026, 11, 29, 1, 0, 0, 0, time.UTC)
	fanOut(t, c, "cli", t0, "b1", "acme")
	ev := func(stage string, s messages.Status, dest string, at time.Duration) messages.Event {
		e := messages.Event{V: 1, Tenant: "acme", Kind: messages.KindTenant, BackupID: "b1", Stage: stage, Status: s, Time: t0.Add(at)}
		if dest != "" {
			e.Attrs = map[string]string{messages.DestinationAttr: dest}
			e.Error = map[messages.Status]string{messages.StatusFailed: "connection reset"}[s]
		}
		return e
	}
	apply := func(e messages.Event) { require.NoError(t, c.Apply(ctx, messages.EventMsgID(e), e)) }
	apply(ev(messages.StageUpload, messages.StatusSucceeded, "", time.Minute))
	apply(ev(messages.StageVerify, messages.StatusSucceeded, "", 2*time.Minute))
	apply(ev(messages.StageCopy, messages.StatusFailed, "dr", 3*time.Minute))
	apply(ev(messages.StageCopy, messages.StatusSucceeded, "local", 3*time.Minute))
	apply(ev(messages.StageVerify, messages.StatusFailed, "local", 4*time.Minute))

	run, err := c.Run(ctx, "r1")
	require.NoError(t, err)
	require.Equal(t, map[string]int{catalog.JobVerified: 1}, run.ByState, "the primary's job stays verified")
	var verifyError string
	require.NoError(t, db.Pool.QueryRow(ctx, `SELECT verify_error FROM arca_catalog.backups WHERE backup_id = 'b1'`).Scan(&verifyError))
	require.Empty(t, verifyError)

	copies, err := c.Copies(ctx, "b1")
	require.NoError(t, err)
	require.Equal(t, []catalog.Copy{
		{BackupID: "b1", Destination: "dr", State: "copy_failed", Error: "connection reset"},
		{BackupID: "b1", Destination: "local", State: "verify_failed", Error: "connection reset"},
	}, copies)

	// dr comes back: copied, then verified; a late redelivered failure does
	// not undo the verification.
	apply(ev(messages.StageCopy, messages.StatusSucceeded, "dr", 5*time.Minute))
	apply(ev(messages.StageVerify, messages.StatusSucceeded, "dr", 6*time.Minute))
	late := ev(messages.StageCopy, messages.StatusFailed, "dr", 7*time.Minute)
	late.Attempt = 9
	apply(late)
	copies, err = c.Copies(ctx, "b1")
	require.NoError(t, err)
	require.Equal(t, catalog.Copy{BackupID: "b1", Destination: "dr", State: "verified"}, copies[0])
}
