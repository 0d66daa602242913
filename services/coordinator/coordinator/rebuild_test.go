package coordinator

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/objstore/fsstore"
)

// RebuildCatalog after dropping the catalog gives back the same backups.
func TestRebuildCatalogFromManifests(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := t.Context()
	store, err := fsstore.New(t.TempDir())
	require.NoError(t, err)
	layout := backup.Layout{Prefix: "prod"}
	at := time.Date(2026, 11, 28, 4, 0, 0, 0, time.UTC)
	put := func(kind, tenant, id string, size int64, verified bool) {
		m := backup.Manifest{
			FormatVersion: backup.FormatVersion, ToolVersion: "test", BackupID: id, Kind: kind, Tenant: tenant, Run: "r1",
			CreatedAt: at, CommittedAt: at.Add(time.Minute),
			Object: backup.Object{Key: layout.Data(kind, tenant, id), Size: size, SHA256: strings.Repeat("a", 64),
				Parts: []backup.Part{{Index: 0, Size: size, SHA256: strings.Repeat("b", 64), KeyID: "k1"}}},
			PlainSize: size * 3, KeyIDs: []string{"k1"},
		}
		doc, err := m.Marshal()
		require.NoError(t, err)
		key := layout.Manifest(kind, tenant, id)
		_, err = store.Put(ctx, key, bytes.NewReader(doc), int64(len(doc)))
		require.NoError(t, err)
		if verified {
			v, _ := json.Marshal(backup.Verification{BackupID: id, Verified: true, CheckedAt: at.Add(2 * time.Minute)})
			_, err = store.Put(ctx, backup.VerificationKey(key), bytes.NewReader(v), int64(len(v)))
			require.NoError(t, err)
		}
	}
	put("tenant", "a/b ..", "20261128T040000Z-000000000001", 10, true)
	put("tenant", "c", "20261128T040000Z-000000000002", 20, false)
	put("full", "", "20261128T040000Z-000000000003", 30, true)

	n, err := RebuildCatalog(ctx, store, layout, b.catalog.Pool)
	require.NoError(t, err)
	require.Equal(t, 3, n)
	c := b.newCoordinator(t, testConfig())
	before, err := c.Backups(ctx, "", 100)
	require.NoError(t, err)
	require.Len(t, before, 3)

	require.NoError(t, DropCatalog(ctx, b.catalog.Pool))
	n, err = RebuildCatalog(ctx, store, layout, b.catalog.Pool)
	require.NoError(t, err)
	require.Equal(t, 3, n)
	after, err := c.Backups(ctx, "", 100)
	require.NoError(t, err)
	require.Equal(t, before, after)

	one, err := c.Backups(ctx, "a/b ..", 10)
	require.NoError(t, err)
	require.Len(t, one, 1)
	require.Equal(t, JobVerified, one[0].State)
	require.EqualValues(t, 30, one[0].PlainBytes)
}
