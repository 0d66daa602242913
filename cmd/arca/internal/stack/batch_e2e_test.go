package stack_test

import (
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/messages"
)

// A run of every tenant is exported in one batch (one scan of each shared
// table), and each tenant still has its own job: its own export events, its
// own verified backup, and a tenant that cannot be exported (it owns no
// row) fails on its own, dead-lettered, while the others are verified.
func TestBatchRunGivesEachTenantItsOwnOutcome(t *testing.T) {
	t.Parallel()
	p := startPipeline(t, nil)
	ctx := t.Context()
	_, err := p.source.Exec(ctx, `INSERT INTO public.tenants VALUES ('ghost', 'no_such_schema', 'Ghost')`)
	require.NoError(t, err)
	events, err := p.js.OrderedConsumer(ctx, messages.StreamEvents, jetstream.OrderedConsumerConfig{
		FilterSubjects: messages.OutcomeEventFilters()})
	require.NoError(t, err)
	started, err := p.coord.BackupTenants(ctx, nil, messages.KindTenant, "test")
	require.NoError(t, err)
	require.Len(t, started.Jobs, 6)

	// With the default tenancy (tenant columns, no tenant table) decoy and
	// ghost own no row: each fails alone, dead-lettered, as alone it would.
	verified := map[string]bool{}
	exportOK := map[string]int{}
	failed := map[string]string{}
	for len(verified) < 4 || len(failed) < 2 {
		msg, err := events.Next(jetstream.FetchMaxWait(2 * time.Minute))
		require.NoError(t, err, "verified %v, failed %v", verified, failed)
		e, err := messages.Decode[messages.Event](msg.Data())
		require.NoError(t, err)
		t.Logf("%s %s %s %s", e.Tenant, e.Stage, e.Status, e.Error)
		if e.Tenant == "ghost" || e.Tenant == "decoy" {
			require.Equal(t, messages.StageExport, e.Stage)
			if e.Status != messages.StatusStarted {
				require.Equal(t, messages.StatusDeadLettered, e.Status)
				require.Contains(t, e.Error, "selects no row of the tenant")
				failed[e.Tenant] = e.Error
			}
			continue
		}
		require.NotEqual(t, messages.StatusFailed, e.Status, "%s %s: %s", e.Tenant, e.Stage, e.Error)
		require.NotEqual(t, messages.StatusRetrying, e.Status, "%s %s: %s", e.Tenant, e.Stage, e.Error)
		if e.Stage == messages.StageExport && e.Status == messages.StatusSucceeded {
			exportOK[e.Tenant]++
		}
		if e.Stage == messages.StageVerify && e.Status == messages.StatusSucceeded {
			verified[e.Tenant] = true
		}
	}
	for tenant := range verified {
		require.Equal(t, 1, exportOK[tenant], tenant)
	}
	require.Len(t, verified, 4, "acme, acme2, beta and the tenant whose id needs quoting")
}
