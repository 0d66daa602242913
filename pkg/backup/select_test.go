package backup_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/objstore"
	"github.com/arcabackup/arca/pkg/objstore/fsstore"
)

// repoWith is a filesystem bucket holding the sealed manifests.
func (b bundle) repoWith(t *testing.T, ms ...backup.Manifest) (backup.Repository, objstore.Store) {
	t.Helper()
	store, err := fsstore.New(t.TempDir())
	require.NoError(t, err)
	for _, m := range ms {
		key, doc := b.seal(t, m)
		_, err := store.Put(t.Context(), key, bytes.NewReader(doc), int64(len(doc)))
		require.NoError(t, err)
	}
	return backup.Repository{Store: store, Layout: b.layout, Keys: b.keys}, store
}

func at(m backup.Manifest, hour int) backup.Manifest {
	m.CreatedAt = time.Date(2026, 11, 28, hour, 0, 0, 0, time.UTC)
	return m
}

func TestSelectPicksByIDLatestOrAt(t *testing.T) {
	t.Parallel()
	b := setup(t)
	repo, _ := b.repoWith(t,
		at(manifest("tenant", "tenant-a", "20261128T010000Z-a"), 1),
		at(manifest("tenant", "tenant-a", "20261128T030000Z-a"), 3),
		at(manifest("tenant", "tenant-b", "20261128T050000Z-b"), 5),
		manifest("full", "", "20261128T000000Z-f"))
	ctx := t.Context()

	e, err := repo.Select(ctx, backup.Selector{Tenant: "tenant-a", Latest: true})
	require.NoError(t, err)
	require.Equal(t, "20261128T030000Z-a", e.Manifest.BackupID)

	e, err = repo.Select(ctx, backup.Selector{Tenant: "tenant-a", At: time.Date(2026, 11, 28, 2, 0, 0, 0, time.UTC)})
	require.NoError(t, err)
	require.Equal(t, "20261128T010000Z-a", e.Manifest.BackupID)

	_, err = repo.Select(ctx, backup.Selector{Tenant: "tenant-a", At: time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)})
	require.EqualError(t, err, "no backup of tenant tenant-a found")

	e, err = repo.Select(ctx, backup.Selector{ID: "20261128T050000Z-b"})
	require.NoError(t, err)
	require.Equal(t, "tenant-b", e.Manifest.Tenant)

	_, err = repo.Select(ctx, backup.Selector{ID: "20261128T050000Z-b", Tenant: "tenant-a"})
	require.ErrorIs(t, err, objstore.ErrNotFound, "an id is searched only in the tenant's folder")

	_, err = repo.Select(ctx, backup.Selector{ID: "20261128T000000Z-f"})
	require.EqualError(t, err, "backup 20261128T000000Z-f is a full backup, not a tenant backup")

	_, err = repo.Select(ctx, backup.Selector{Tenant: "tenant-a"})
	require.ErrorIs(t, err, backup.ErrNoSelector)

	full, found, err := repo.Latest(ctx, "full", "")
	require.NoError(t, err)
	require.True(t, found)
	require.Equal(t, "20261128T000000Z-f", full.Manifest.BackupID)
	_, found, err = repo.Latest(ctx, "base", "")
	require.NoError(t, err)
	require.False(t, found)
}

// A refused manifest may be the newest: choosing the newest refuses to
// choose, while choosing by id still works.
func TestSelectRefusesToChooseNewestPastARefusedManifest(t *testing.T) {
	t.Parallel()
	b := setup(t)
	good := manifest("tenant", "tenant-a", "20261128T010000Z-a")
	repo, store := b.repoWith(t, good)
	badKey, _ := b.seal(t, manifest("tenant", "tenant-a", "20261128T090000Z-a"))
	_, otherDoc := b.seal(t, manifest("tenant", "tenant-b", "20261128T090000Z-b"))
	_, err := store.Put(t.Context(), badKey, bytes.NewReader(otherDoc), int64(len(otherDoc)))
	require.NoError(t, err)

	_, err = repo.Select(t.Context(), backup.Selector{Tenant: "tenant-a", Latest: true})
	requireRefused(t, err, badKey, backup.ErrMismatch)
	e, err := repo.Select(t.Context(), backup.Selector{ID: good.BackupID, Tenant: "tenant-a"})
	require.NoError(t, err)
	require.Nil(t, e.Verification)
}

// Folders groups every backup's objects, with or without a manifest, and
// leaves out keys that are not a backup's object in the layout.
func TestFoldersGroupBackupObjectsWithOrWithoutAManifest(t *testing.T) {
	t.Parallel()
	b := setup(t)
	m := manifest("tenant", "tenant-a", "20261128T010000Z-a")
	repo, store := b.repoWith(t, m)
	for _, key := range []string{m.Object.Key, b.layout.Data("full", "", "f-orphan"), "prod/tenants/tenant-a/stray", "prod/elsewhere/x/y"} {
		_, err := store.Put(t.Context(), key, bytes.NewReader([]byte("x")), 1)
		require.NoError(t, err)
	}
	got, err := repo.Folders(t.Context())
	require.NoError(t, err)
	require.Len(t, got, 2)
	require.Equal(t, b.layout.Dir("tenant", "tenant-a", m.BackupID), got[0].Dir)
	require.Equal(t, "tenant", got[0].Kind)
	require.Len(t, got[0].Objects, 2)
	require.True(t, got[0].HasManifest())
	require.Equal(t, "full", got[1].Kind)
	require.False(t, got[1].HasManifest())
	require.Equal(t, int64(1), got[1].Size())
}
