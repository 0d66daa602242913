package service

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/pkg/teststack"
)

// Two replicas on one short schedule: every fire yields exactly one job
// per tenant, and every fire becomes exactly one run.
func TestTwoReplicasFanOutEachFireOnce(t *testing.T) {
	t.Parallel()
	b := setup(t, "a", "b.with.dots", "c *")
	cfg := testConfig()
	cfg.Schedules = Schedules{Timezone: "America/Sao_Paulo", TenantExport: "*/2 * * * * *"}
	// Nobody completes the jobs here: let each run queue every tenant
	// again instead of deferring to the previous run's jobs.
	cfg.InFlight = time.Nanosecond
	c1, stop1 := b.start(t, b.nats.JS, cfg)
	_, js2 := teststack.Connect(t, b.nats.URL)
	_, stop2 := b.start(t, js2, cfg)

	teststack.Eventually(t, 30*time.Second, func() bool {
		runs, err := c1.Runs(t.Context(), 100)
		return err == nil && len(runs) >= 3
	}, "three scheduled runs")
	stop1()
	stop2()

	runs, err := c1.Runs(t.Context(), 100)
	require.NoError(t, err)
	jobs := perRun(exportJobs(t, b.nats.JS))
	fannedOut := 0
	for _, r := range runs {
		require.Equal(t, "schedule", r.Trigger)
		require.Regexp(t, `^tenant_export-\d{8}T\d{6}Z$`, r.ID)
		if r.State == RunFanningOut {
			continue // a fire cut short by the shutdown
		}
		fannedOut++
		require.Equal(t, 3, r.Jobs, "run %s", r.ID)
		require.Equal(t, map[string]int{"a": 1, "b.with.dots": 1, "c *": 1}, jobs[r.ID], "run %s", r.ID)
	}
	require.GreaterOrEqual(t, fannedOut, 2)
	for run := range jobs {
		_, _, err := c1.RunStatus(t.Context(), run)
		require.NoError(t, err, "every published run is in the catalog")
	}
}

// A tenant added between two runs is backed up in the second; a removed one
// is not. A tenant whose job is still in flight is not queued twice.
func TestRunsFollowTheTenantList(t *testing.T) {
	t.Parallel()
	b := setup(t, "a", "b")
	c, _ := b.start(t, b.nats.JS, testConfig())
	ctx := t.Context()

	first, err := c.BackupTenants(ctx, nil, messages.KindTenant, "cli")
	require.NoError(t, err)
	require.Len(t, first.Jobs, 2)

	// While the first run's jobs are in flight, a second run skips them.
	busy, err := c.BackupTenants(ctx, nil, messages.KindTenant, "cli")
	require.NoError(t, err)
	for _, j := range busy.Jobs {
		require.Equal(t, JobSkipped, j.State)
		require.NotEmpty(t, j.SkippedFor)
	}
	require.Equal(t, RunDone, busy.Run.State, "a run of skipped jobs is done at once")

	for _, e := range exportJobs(t, b.nats.JS) {
		b.complete(t, e, true)
	}
	done, err := c.WaitRun(ctx, first.Run.ID, 20*time.Millisecond)
	require.NoError(t, err)
	require.Equal(t, RunDone, done.State)
	require.Equal(t, 2, done.ByState[JobVerified])

	b.addTenant(t, "c")
	b.removeTenant(t, "a")
	second, err := c.BackupTenants(ctx, nil, messages.KindTenant, "cli")
	require.NoError(t, err)
	jobs := perRun(exportJobs(t, b.nats.JS))
	require.Equal(t, map[string]int{"a": 1, "b": 1}, jobs[first.Run.ID])
	require.Equal(t, map[string]int{"b": 1, "c": 1}, jobs[second.Run.ID])
	require.Empty(t, jobs[busy.Run.ID])

	// The removed tenant is no longer expected to back up.
	fresh, err := NewFreshness(b.catalog.Pool).LastSuccess(ctx)
	require.NoError(t, err)
	require.Contains(t, fresh, Scope{Tenant: "b", Kind: messages.KindTenant})
	require.Contains(t, fresh, Scope{Tenant: "c", Kind: messages.KindTenant})
	require.NotContains(t, fresh, Scope{Tenant: "a", Kind: messages.KindTenant})
}

// A tenant run is cut into export batches in the run's tenant order: every
// batch but the last holds ExportBatch jobs, each job says its batch and
// the batch's size, and a last batch of one is a job alone.
func TestTenantRunIsCutIntoExportBatches(t *testing.T) {
	t.Parallel()
	b := setup(t, "a", "b", "c", "d", "e")
	cfg := testConfig()
	cfg.ExportBatch = 2
	c, _ := b.start(t, b.nats.JS, cfg)
	started, err := c.BackupTenants(t.Context(), nil, messages.KindTenant, "cli")
	require.NoError(t, err)
	require.Len(t, started.Jobs, 5)
	batches := map[string][]string{}
	for _, e := range exportJobs(t, b.nats.JS) {
		if e.Batch == "" {
			batches[""] = append(batches[""], e.Tenant)
			continue
		}
		require.NoError(t, e.Validate())
		batches[e.Batch] = append(batches[e.Batch], e.Tenant)
		require.Equal(t, 2, e.BatchSize, e.Tenant)
	}
	require.Len(t, batches, 3, "%v", batches)
	require.Len(t, batches[""], 1)
	for k, ts := range batches {
		if k != "" {
			require.Len(t, ts, 2, k)
		}
	}
	// Whole-database kinds are never batched.
	_, err = c.BackupTenants(t.Context(), nil, messages.KindFull, "cli")
	require.NoError(t, err)
	for _, e := range exportJobs(t, b.nats.JS) {
		if e.Kind == messages.KindFull {
			require.Empty(t, e.Batch)
		}
	}
}
