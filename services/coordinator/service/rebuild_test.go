package service

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/objstore/fsstore"
	"github.com/arcabackup/arca/pkg/seal/keyring/keyringtest"
)

// RebuildCatalog after dropping the catalog gives back the same backups;
// a refused manifest is reported and does not stop the rebuild.
func TestRebuildCatalogFromManifests(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := t.Context()
	store, err := fsstore.New(t.TempDir())
	require.NoError(t, err)
	layout := backup.Layout{Prefix: "prod"}
	keys := keyringtest.New(t)
	repo := backup.Repository{Store: store, Layout: layout, Keys: keys}
	at := time.Date(2026, 11, 28, 4, 0, 0, 0, time.UTC)
	put := func(kind, tenant, id string, size int64, verified bool) {
		m := backup.Manifest{
			FormatVersion: backup.FormatVersion, ToolVersion: "test", BackupID: id, Kind: kind, Tenant: tenant, Run: "r1",
			CreatedAt: at, CommittedAt: at.Add(time.Minute),
			Object: backup.Object{Key: layout.Data(kind, tenant, id), Size: size, SHA256: strings.Repeat("a", 64),
				Parts: []backup.Part{{Index: 0, Size: size, SHA256: strings.Repeat("b", 64), KeyID: "k1"}}},
			PlainSize: size * 3, KeyIDs: []string{"k1"},
		}
		key, doc, err := layout.SealManifest(ctx, m, keys)
		require.NoError(t, err)
		_, err = store.Put(ctx, key, bytes.NewReader(doc), int64(len(doc)))
		require.NoError(t, err)
		if verified {
			vkey, v, err := layout.SealVerification(ctx, m.Ref(), backup.Verification{BackupID: id, Verified: true, CheckedAt: at.Add(2 * time.Minute)}, keys)
			require.NoError(t, err)
			_, err = store.Put(ctx, vkey, bytes.NewReader(v), int64(len(v)))
			require.NoError(t, err)
		}
	}
	put("tenant", "a/b ..", "20261128T040000Z-000000000001", 10, true)
	put("tenant", "c", "20261128T040000Z-000000000002", 20, false)
	put("full", "", "20261128T040000Z-000000000003", 30, true)

	// One manifest that does not authenticate (a plaintext one of format
	// 1) is reported and skipped; the others are read.
	bad := layout.Manifest("tenant", "z", "20261128T040000Z-000000000009")
	old := []byte(`{"format_version": 1, "backup_id": "20261128T040000Z-000000000009", "kind": "tenant", "tenant": "z"}`)
	_, err = store.Put(ctx, bad, bytes.NewReader(old), int64(len(old)))
	require.NoError(t, err)

	got, err := RebuildCatalog(ctx, repo, b.catalog.Pool)
	require.NoError(t, err)
	require.Equal(t, 3, got.Backups)
	require.Len(t, got.Refused, 1)
	require.ErrorIs(t, got.Refused[0], backup.ErrOldFormat)
	require.Contains(t, got.Refused[0].Error(), bad)
	c := b.newCoordinator(t, testConfig())
	before, err := c.Backups(ctx, "", 100)
	require.NoError(t, err)
	require.Len(t, before, 3)

	require.NoError(t, DropCatalog(ctx, b.catalog.Pool))
	got, err = RebuildCatalog(ctx, repo, b.catalog.Pool)
	require.NoError(t, err)
	require.Equal(t, 3, got.Backups)
	after, err := c.Backups(ctx, "", 100)
	require.NoError(t, err)
	require.Equal(t, before, after)

	one, err := c.Backups(ctx, "a/b ..", 10)
	require.NoError(t, err)
	require.Len(t, one, 1)
	require.Equal(t, JobVerified, one[0].State)
	require.EqualValues(t, 30, one[0].PlainBytes)
}
