package cost_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/cmd/arca/internal/cost"
)

// The plan's scenario (100 tenants, 50 GB each): 500 GB of WAL in S3
// Standard, 5 TB of fulls in Glacier, 50 TB in Deep Archive cost what its
// table says, $11.50 + $20.00 + $50.00.
func TestDefaultPricesAreThePlansTable(t *testing.T) {
	t.Parallel()
	items := []cost.Item{
		{Kind: "wal", StorageClass: "", Bytes: 500 * cost.GiB},
		{Kind: "full", StorageClass: "GLACIER", Bytes: 5000 * cost.GiB},
		{Kind: "full", StorageClass: "DEEP_ARCHIVE", Bytes: 50000 * cost.GiB},
	}
	r := cost.Compute("bucket", items, nil, cost.DefaultPrices(), time.Now())
	require.InDelta(t, 11.50, r.ByClass["STANDARD"].Monthly, 1e-9)
	require.InDelta(t, 20.00, r.ByClass["GLACIER"].Monthly, 1e-9)
	require.InDelta(t, 50.00, r.ByClass["DEEP_ARCHIVE"].Monthly, 1e-9)
	require.InDelta(t, 81.50, r.Total.Monthly, 1e-9)
	require.Empty(t, r.Unpriced)
	require.Zero(t, r.Projection.HistoryDays, "no history, no growth")
	require.Equal(t, r.Total.Bytes, r.Projection.Bytes)
}

// A price file replaces the classes it names; a class without a price
// is reported and counted as 0, never guessed.
func TestPricesFileAndUnpricedClasses(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "prices.yaml")
	require.NoError(t, os.WriteFile(path, []byte("currency: BRL\nclasses:\n  STANDARD: {per_gb_month: 0.12}\n"), 0o600))
	p, err := cost.LoadPrices(path)
	require.NoError(t, err)
	r := cost.Compute("catalog", []cost.Item{
		{Tenant: "a", Kind: "tenant", StorageClass: "STANDARD", Bytes: 10 * cost.GiB},
		{Tenant: "a", Kind: "tenant", StorageClass: "REDUCED_REDUNDANCY", Bytes: cost.GiB},
		{Kind: "full", StorageClass: "GLACIER", Bytes: 100 * cost.GiB},
	}, nil, p, time.Now())
	require.Equal(t, "BRL", r.Currency)
	require.InDelta(t, 1.2, r.ByTenant["a"].Monthly, 1e-9)
	require.InDelta(t, 0.4, r.ByTenant[""].Monthly, 1e-9, "GLACIER keeps the default")
	require.Equal(t, []string{"REDUCED_REDUNDANCY"}, r.Unpriced)
	require.Equal(t, path, r.Prices["STANDARD"].Source)

	require.NoError(t, os.WriteFile(path, []byte("classes: {STANDARD: {per_gb_month: -1}}\n"), 0o600))
	_, err = cost.LoadPrices(path)
	require.ErrorContains(t, err, "negative")
}

// Stored bytes growing 1 GiB a day over the history project 30 GiB more
// next month, priced at today's average price per byte.
func TestProjectionFollowsTheGrowth(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)
	var hist []cost.Sample
	for d := 20; d >= 0; d-- {
		hist = append(hist, cost.Sample{At: now.AddDate(0, 0, -d), Bytes: int64(100-d) * cost.GiB})
	}
	r := cost.Compute("catalog", []cost.Item{{Kind: "wal", StorageClass: "STANDARD", Bytes: 100 * cost.GiB}}, hist, cost.DefaultPrices(), now)
	require.InDelta(t, 20, r.Projection.HistoryDays, 1e-9)
	require.Equal(t, int64(30*cost.GiB), r.Projection.GrowthPerMonth)
	require.Equal(t, int64(130*cost.GiB), r.Projection.Bytes)
	require.InDelta(t, 130*0.023, r.Projection.Monthly, 1e-9)
}
