package backup_test

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// Completion's names come from the keys alone: ids newest first, by folder
// and prefix; tenants sorted, each once.
func TestBackupIDsAndTenantsFromTheKeys(t *testing.T) {
	t.Parallel()
	b := setup(t)
	repo, _ := b.repoWith(t,
		manifest("tenant", "tenant-b", "20261128T010000Z-b"),
		manifest("tenant", "tenant-a", "20261128T030000Z-a"),
		manifest("tenant", "tenant-a", "20261128T020000Z-a"),
		manifest("full", "", "20261128T000000Z-f"))
	ctx := t.Context()
	require.Equal(t, []string{"20261128T030000Z-a", "20261128T020000Z-a", "20261128T010000Z-b", "20261128T000000Z-f"}, repo.BackupIDs(ctx, ""))
	require.Equal(t, []string{"20261128T000000Z-f"}, repo.BackupIDs(ctx, "", "full"))
	require.Equal(t, []string{"20261128T020000Z-a"}, repo.BackupIDs(ctx, "20261128T02", "tenants"))
	require.Equal(t, []string{"tenant-a", "tenant-b"}, repo.TenantsWithBackups(ctx))
}
