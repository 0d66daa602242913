package alerter_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/pkg/teststack"
	"github.com/arcabackup/arca/services/alerter/internal/alert"
	"github.com/arcabackup/arca/services/alerter/internal/outbox"
)

// 200 tenants failing at once page at most StormThreshold+1 times, and
// their recovery at most as many again.
func TestStormOfFailuresIsBounded(t *testing.T) {
	t.Parallel()
	const tenants, threshold = 200, 10
	b := setup(t)
	b.cfg.StormThreshold = threshold
	b.start(t)
	now := time.Now().UTC()
	for i := range tenants {
		b.event(t, failed(fmt.Sprintf("tenant-%03d", i), messages.StageExport, now))
	}
	stormKey := alert.StormKey(alert.BackupFailed, messages.KindTenant)
	b.waitOpen(t, stormKey, true)
	teststack.Eventually(t, waitFor, func() bool {
		entries, err := b.ob.Entries(t.Context())
		if err != nil {
			return false
		}
		settled := 0
		for _, e := range entries {
			if !e.Pending && !e.Alert.Aggregate && e.Delivered != outbox.NotDelivered {
				settled++
			}
		}
		return settled == tenants
	}, "every failure recorded and delivered or absorbed")

	t.Logf("200 failures: %d requests, %d incidents", b.pd.Requests(), b.pd.Created())
	require.LessOrEqual(t, b.pd.Requests(), threshold+1, "requests for 200 failures")
	require.LessOrEqual(t, b.pd.Created(), threshold+1, "incidents for 200 failures")
	in, _ := b.pd.Incident(stormKey)
	require.Contains(t, in.Summary, "backup-failed")

	for i := range tenants {
		b.event(t, committed(fmt.Sprintf("tenant-%03d", i), 1<<20, now.Add(time.Hour)))
	}
	b.waitOpen(t, stormKey, false)
	teststack.Eventually(t, waitFor, func() bool {
		entries, err := b.ob.Entries(t.Context())
		return err == nil && len(entries) == 0 && len(b.pd.OpenKeys()) == 0
	}, "every incident resolved and the outbox empty")
	t.Logf("200 failures and recoveries: %d requests", b.pd.Requests())
	require.LessOrEqual(t, b.pd.Requests(), 2*(threshold+1), "requests for 200 failures and their recovery")
	require.Empty(t, b.pd.Invalid())
}
