package backup_test

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/objstore"
	"github.com/arcabackup/arca/pkg/objstore/fsstore"
)

// FindTenant searches every folder, or only the tenant's: a backup of
// another tenant is not found there.
func TestFindTenantSearchesOnlyTheTenantsFolder(t *testing.T) {
	t.Parallel()
	b := setup(t)
	store, err := fsstore.New(t.TempDir())
	require.NoError(t, err)
	keyA, docA := b.seal(t, manifest("tenant", "tenant-a", "a1"))
	_, err = store.Put(t.Context(), keyA, bytes.NewReader(docA), int64(len(docA)))
	require.NoError(t, err)
	repo := backup.Repository{Store: store, Layout: b.layout, Keys: b.keys}

	for _, tenant := range []string{"", "tenant-a"} {
		key, err := repo.FindTenant(t.Context(), "a1", tenant)
		require.NoError(t, err, tenant)
		require.Equal(t, keyA, key)
	}
	_, err = repo.FindTenant(t.Context(), "a1", "tenant-b")
	require.ErrorIs(t, err, objstore.ErrNotFound)
}
