package cli

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/cmd/arca/internal/cost"
	"github.com/arcabackup/arca/pkg/retention"
)

// daily is one tenant's verified export of 1 GiB a day for days days.
func daily(now time.Time, days int) []costUnit {
	var out []costUnit
	for d := days - 1; d >= 0; d-- {
		b := retention.Backup{Kind: "tenant", Tenant: "a", BackupID: fmt.Sprint("b", d), CreatedAt: now.AddDate(0, 0, -d),
			Verification: retention.Verified, Size: cost.GiB}
		out = append(out, costUnit{backup: b, planned: true, objects: []costObject{{size: cost.GiB, class: "STANDARD_IA"}}})
	}
	return out
}

// While retention is still filling, the stored total grows by a backup a
// day; once full, prune takes one a day for each one added and the
// projection is flat.
func TestCostGrowthFollowsTheRetentionPolicy(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)
	p := retention.Policy{Kinds: map[string]retention.KindPolicy{"tenant": {KeepDays: 30}}}

	items, hist := costItems(daily(now, 20), p, now)
	r := cost.Compute("catalog", items, hist, cost.DefaultPrices(), now)
	require.Equal(t, int64(20*cost.GiB), r.Total.Bytes)
	require.InDelta(t, 30*cost.GiB, float64(r.Projection.GrowthPerMonth), 0.5*cost.GiB, "a GiB a day")

	items, hist = costItems(daily(now, 200), p, now)
	r = cost.Compute("catalog", items, hist, cost.DefaultPrices(), now)
	require.InDelta(t, 31*cost.GiB, float64(r.Total.Bytes), cost.GiB, "30 days kept")
	require.InDelta(t, 0, float64(r.Projection.GrowthPerMonth), 0.5*cost.GiB, "retention is full")
	require.InDelta(t, 90, r.Projection.HistoryDays, 1)
}
