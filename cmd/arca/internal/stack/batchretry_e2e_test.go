package stack_test

import (
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/pkg/staging"
	"github.com/arcabackup/arca/pkg/teststack"
)

// A batch member whose streamed part fails mid-put (decision 47) fails its
// export attempt alone; the job is retried, exported alone, and its backup
// is verified, as the other members' are after their first attempt.
func TestABatchMemberWhosePartFailsIsVerifiedAfterItsRetry(t *testing.T) {
	t.Parallel()
	p := startPipelineWith(t, nil, func(js jetstream.JetStream) staging.ObjectStores {
		return &teststack.FailSecondMessage{JetStream: js, Prefix: "$O." + staging.PlainBucket + ".C."}
	})
	ctx := t.Context()
	// beta's part is several chunks (barely compressible rows), well past
	// the 1 MiB a streaming writer holds before it streams; the others'
	// are one.
	teststack.AddBulkRows(t, p.source, "beta", 12000)
	events, err := p.js.OrderedConsumer(ctx, messages.StreamEvents, jetstream.OrderedConsumerConfig{
		FilterSubjects: messages.OutcomeEventFilters()})
	require.NoError(t, err)
	started, err := p.coord.BackupTenants(ctx, nil, messages.KindTenant, "test")
	require.NoError(t, err)
	require.Len(t, started.Jobs, 5)

	verified := map[string]bool{}
	exported := map[string]int{} // the attempt that succeeded
	var retried []messages.Event
	for len(verified) < 4 {
		msg, err := events.Next(jetstream.FetchMaxWait(2 * time.Minute))
		require.NoError(t, err, "verified %v", verified)
		e, err := messages.Decode[messages.Event](msg.Data())
		require.NoError(t, err)
		t.Logf("%s %s %s %d %s", e.Tenant, e.Stage, e.Status, e.Attempt, e.Error)
		if e.Tenant == "decoy" { // owns no row: dead-lettered, as in TestBatchRunGivesEachTenantItsOwnOutcome
			continue
		}
		require.NotEqual(t, messages.StatusFailed, e.Status, "%s %s: %s", e.Tenant, e.Stage, e.Error)
		switch {
		case e.Status == messages.StatusRetrying:
			retried = append(retried, e)
		case e.Stage == messages.StageExport && e.Status == messages.StatusSucceeded:
			exported[e.Tenant] = e.Attempt
		case e.Stage == messages.StageVerify && e.Status == messages.StatusSucceeded:
			verified[e.Tenant] = true
		}
	}
	require.Len(t, retried, 1, "one export attempt failed")
	require.Equal(t, "beta", retried[0].Tenant)
	require.Equal(t, messages.StageExport, retried[0].Stage)
	require.Contains(t, retried[0].Error, "streamed (not retried)")
	for tenant := range verified {
		want := 1
		if tenant == "beta" {
			want = 2
		}
		require.Equal(t, want, exported[tenant], tenant)
	}
}
