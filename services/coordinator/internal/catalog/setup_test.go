package catalog_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/teststack"
	"github.com/arcabackup/arca/services/coordinator/internal/catalog"
)

// newCatalog is a migrated catalog in a database of the test's own,
// migrated twice: the second is harmless.
func newCatalog(t *testing.T) (*catalog.Catalog, *teststack.Database) {
	t.Helper()
	db := teststack.NewDatabase(t)
	require.NoError(t, catalog.Migrate(t.Context(), db.Pool))
	require.NoError(t, catalog.Migrate(t.Context(), db.Pool), "migrating twice is harmless")
	return catalog.New(db.Pool), db
}

// fanOut records the tenant run "r1" of trigger at t0 with one job per
// backup id and tenant pair in jobs, each to be published, and the end of
// its fan-out.
func fanOut(t *testing.T, c *catalog.Catalog, trigger string, t0 time.Time, jobs ...string) {
	t.Helper()
	_, err := c.ClaimRun(t.Context(), catalog.NewRun{ID: "r1", Kind: "tenant", Trigger: trigger, ScheduledAt: t0})
	require.NoError(t, err)
	for i := 0; i+1 < len(jobs); i += 2 {
		publish, err := c.AddJob(t.Context(), catalog.Job{BackupID: jobs[i], RunID: "r1", Tenant: jobs[i+1], Kind: "tenant", RequestedAt: t0}, time.Hour)
		require.NoError(t, err)
		require.True(t, publish, "job %s is new", jobs[i])
	}
	require.NoError(t, c.FinishFanout(t.Context(), "r1", t0))
}
