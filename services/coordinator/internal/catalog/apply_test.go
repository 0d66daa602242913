package catalog_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/services/coordinator/internal/catalog"
)

// Events applied twice or out of order never move a job backwards, and the
// run ends once its last job is final.
func TestApplyIsIdempotentAndMonotonic(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	c, db := newCatalog(t)
	t0 := time.Date(2026, 11, 28, 1, 0, 0, 0, time.UTC)
	fanOut(t, c, "cli", t0, "b1", "b1", "b2", "b2")

	ev := func(id, stage string, s messages.Status, at time.Duration) messages.Event {
		return messages.Event{V: 1, Tenant: id, Kind: messages.KindTenant, BackupID: id, Stage: stage, Status: s, Time: t0.Add(at)}
	}
	apply := func(e messages.Event) { require.NoError(t, c.Apply(ctx, messages.EventMsgID(e), e)) }
	verified := ev("b1", messages.StageVerify, messages.StatusSucceeded, 3*time.Minute)
	apply(verified)
	apply(ev("b1", messages.StageExport, messages.StatusStarted, time.Minute)) // late
	apply(verified)                                                            // again
	apply(ev("b2", messages.StageEncrypt, messages.StatusDeadLettered, 2*time.Minute))

	run, err := c.Run(ctx, "r1")
	require.NoError(t, err)
	require.Equal(t, catalog.RunFailed, run.State)
	require.Equal(t, map[string]int{catalog.JobVerified: 1, catalog.JobDeadLettered: 1}, run.ByState)
	var events int
	require.NoError(t, db.Pool.QueryRow(ctx, `SELECT count(*) FROM arca_catalog.stage_events`).Scan(&events))
	require.Equal(t, 3, events)

	// Drills and backups feed the staleness check.
	apply(messages.Event{V: 1, Kind: messages.KindFull, Stage: catalog.StageDrill, Status: messages.StatusSucceeded, Time: t0})
	drills, err := c.LastDrill(ctx)
	require.NoError(t, err)
	require.Equal(t, map[catalog.Scope]time.Time{{Kind: "full"}: t0}, drills)
	fresh, err := c.LastSuccess(ctx)
	require.NoError(t, err)
	require.Equal(t, t0, fresh[catalog.Scope{Tenant: "b1", Kind: "tenant"}], "never committed: first seen")
}

// A job whose first attempt failed and whose retry was verified shows no
// error: the failure is history (stage_events), not the job's state.
func TestAVerifiedRetryClearsTheJobsError(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	c, _ := newCatalog(t)
	t0 := time.Date(2026, 11, 28, 1, 0, 0, 0, time.UTC)
	fanOut(t, c, "api", t0, "b1", "b1", "b2", "b2")
	apply := func(id, stage string, s messages.Status, at time.Duration, why string) {
		e := messages.Event{V: 1, Tenant: id, Kind: messages.KindTenant, BackupID: id, Stage: stage, Status: s,
			Attempt: 1, Error: why, Time: t0.Add(at)}
		require.NoError(t, c.Apply(ctx, messages.EventMsgID(e), e))
	}
	apply("b1", messages.StageExport, messages.StatusFailed, time.Minute, "connection reset")
	apply("b2", messages.StageExport, messages.StatusFailed, time.Minute, "connection reset")
	apply("b1", messages.StageExport, messages.StatusSucceeded, 2*time.Minute, "")
	apply("b1", messages.StageUpload, messages.StatusSucceeded, 3*time.Minute, "")
	apply("b1", messages.StageVerify, messages.StatusSucceeded, 4*time.Minute, "")

	jobs, err := c.Jobs(ctx, "r1")
	require.NoError(t, err)
	byID := map[string]catalog.Job{}
	for _, j := range jobs {
		byID[j.BackupID] = j
	}
	require.Equal(t, catalog.JobVerified, byID["b1"].State)
	require.Empty(t, byID["b1"].Error, "the retry succeeded")
	require.Equal(t, "connection reset", byID["b2"].Error, "still failed")
}

// A run the catalog learns of from the events of a CLI that published
// directly (catalog unreachable) is recorded with trigger cli.
func TestARunStartedByTheCLIIsTriggeredByCLI(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	c, _ := newCatalog(t)
	t0 := time.Date(2026, 11, 28, 1, 0, 0, 0, time.UTC)
	for _, run := range []string{"cli-20261128T010000.000Z", "elsewhere-1"} {
		e := messages.Event{V: 1, Tenant: "t", Kind: messages.KindTenant, BackupID: "b-" + run, Run: run,
			Stage: messages.StageExport, Status: messages.StatusStarted, Time: t0}
		require.NoError(t, c.Apply(ctx, messages.EventMsgID(e), e))
	}
	r, err := c.Run(ctx, "cli-20261128T010000.000Z")
	require.NoError(t, err)
	require.Equal(t, "cli", r.Trigger)
	r, err = c.Run(ctx, "elsewhere-1")
	require.NoError(t, err)
	require.Equal(t, "event", r.Trigger)
}
