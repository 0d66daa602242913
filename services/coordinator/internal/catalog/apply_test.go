package catalog_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/pkg/teststack"
	"github.com/arcabackup/arca/services/coordinator/internal/catalog"
)

// Events applied twice or out of order never move a job backwards, and the
// run ends once its last job is final.
func TestApplyIsIdempotentAndMonotonic(t *testing.T) {
	t.Parallel()
	db := teststack.NewDatabase(t)
	ctx := t.Context()
	require.NoError(t, catalog.Migrate(ctx, db.Pool))
	require.NoError(t, catalog.Migrate(ctx, db.Pool), "migrating twice is harmless")
	c := catalog.New(db.Pool)
	t0 := time.Date(2026, 11, 28, 1, 0, 0, 0, time.UTC)
	_, err := c.ClaimRun(ctx, catalog.NewRun{ID: "r1", Kind: "tenant", Trigger: "cli", ScheduledAt: t0})
	require.NoError(t, err)
	for _, id := range []string{"b1", "b2"} {
		publish, err := c.AddJob(ctx, catalog.Job{BackupID: id, RunID: "r1", Tenant: id, Kind: "tenant", RequestedAt: t0}, time.Hour)
		require.NoError(t, err)
		require.True(t, publish)
	}
	require.NoError(t, c.FinishFanout(ctx, "r1", t0))

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
