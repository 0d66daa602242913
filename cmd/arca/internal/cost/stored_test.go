package cost_test

import (
	"bytes"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/objstore/fsstore"

	"github.com/arcabackup/arca/cmd/arca/internal/cost"
	"github.com/arcabackup/arca/pkg/retention"
	coordinator "github.com/arcabackup/arca/services/coordinator/service"
)

// daily is one tenant's verified export of 1 GiB a day for days days.
func daily(now time.Time, days int) []cost.Unit {
	var out []cost.Unit
	for d := days - 1; d >= 0; d-- {
		b := retention.Backup{Kind: "tenant", Tenant: "a", BackupID: fmt.Sprint("b", d), CreatedAt: now.AddDate(0, 0, -d),
			Verification: retention.Verified, Size: cost.GiB}
		out = append(out, cost.Unit{Backup: b, Planned: true, Objects: []cost.Object{{Size: cost.GiB, Class: "STANDARD_IA"}}})
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

	items, hist := cost.Stored(daily(now, 20), p, now)
	r := cost.Compute("catalog", items, hist, cost.DefaultPrices(), now)
	require.Equal(t, int64(20*cost.GiB), r.Total.Bytes)
	require.InDelta(t, 30*cost.GiB, float64(r.Projection.GrowthPerMonth), 0.5*cost.GiB, "a GiB a day")

	items, hist = cost.Stored(daily(now, 200), p, now)
	r = cost.Compute("catalog", items, hist, cost.DefaultPrices(), now)
	require.InDelta(t, 31*cost.GiB, float64(r.Total.Bytes), cost.GiB, "30 days kept")
	require.InDelta(t, 0, float64(r.Projection.GrowthPerMonth), 0.5*cost.GiB, "retention is full")
	require.InDelta(t, 90, r.Projection.HistoryDays, 1)
}

// The bucket listing groups each backup's objects by the layout's keys and
// counts WAL and anything else object by object.
func TestBucketUnitsGroupBackupsByTheirFolder(t *testing.T) {
	t.Parallel()
	store, err := fsstore.New(t.TempDir())
	require.NoError(t, err)
	layout := backup.Layout{Prefix: "prod"}
	for key, size := range map[string]int{
		layout.Data("tenant", "a/b", "t1"): 10, layout.Manifest("tenant", "a/b", "t1"): 1,
		layout.Data("full", "", "f1"): 100, layout.Manifest("full", "", "f1"): 2,
		layout.WAL("00000001", "000000010000000000000001"): 16, "prod/stray.txt": 3, "other/outside": 5,
	} {
		_, err := store.Put(t.Context(), key, bytes.NewReader(make([]byte, size)), int64(size))
		require.NoError(t, err)
	}
	units, err := cost.BucketUnits(t.Context(), store, layout)
	require.NoError(t, err)
	got := map[string]int64{}
	for _, u := range units {
		require.Equal(t, u.Backup.Kind != "wal" && u.Backup.Kind != "other", u.Planned)
		got[u.Backup.Kind+" "+u.Backup.Tenant+" "+u.Backup.BackupID] += u.Backup.Size
		if !u.Planned {
			got[u.Backup.Kind+" "+u.Backup.Tenant+" "+u.Backup.BackupID] = u.Objects[0].Size
		}
	}
	require.Equal(t, map[string]int64{"tenant a/b t1": 11, "full  f1": 102,
		"wal  " + layout.WAL("00000001", "000000010000000000000001"): 16, "other  prod/stray.txt": 3}, got)
}

// A catalog backup sits in its kind's class until the lifecycle archives
// it; only committed backups are stored, with the catalog's verification.
func TestCatalogUnitsAndTheirClasses(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)
	c := cost.Classes{Uploader: map[string]string{"tenant": "STANDARD_IA"}, KeepDays: map[string]int{"full": 30}}
	require.Equal(t, "STANDARD_IA", c.Of("tenant", 0, cost.GiB))
	require.Equal(t, "STANDARD", c.Of("full", 24*time.Hour, cost.GiB))
	archived := c.Of("full", 365*24*time.Hour, cost.GiB)
	require.NotEqual(t, "STANDARD", archived, "an old full dump is in the archive class")
	require.Equal(t, "STANDARD", c.Of("full", 365*24*time.Hour, 1), "too small to archive")

	old := now.AddDate(-1, 0, 0)
	units := cost.CatalogUnits([]coordinator.Backup{
		{BackupID: "f1", Kind: "full", State: coordinator.JobVerified, CommittedAt: &old, Bytes: cost.GiB},
		{BackupID: "t1", Kind: "tenant", Tenant: "a", State: coordinator.JobFailed, CommittedAt: &now, Bytes: 5},
		{BackupID: "t2", Kind: "tenant", Tenant: "a", State: "exporting"},
	}, c, now)
	require.Len(t, units, 2)
	require.Equal(t, retention.Verified, units[0].Backup.Verification)
	require.Equal(t, archived, units[0].Objects[0].Class)
	require.Equal(t, retention.VerificationFailed, units[1].Backup.Verification)
	require.Equal(t, []cost.Object{{Size: 5, Class: "STANDARD_IA"}}, units[1].Objects)
}
