package service

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/objstore"
	"github.com/arcabackup/arca/pkg/objstore/fsstore"
	"github.com/arcabackup/arca/pkg/retention"
	"github.com/arcabackup/arca/pkg/seal/keyring/keyringtest"
)

// A scheduled retention run prunes the primary with its policy and each
// further destination with its own: a tenant export 20 days old goes from
// a destination that keeps 14 days and stays in the primary (90 days).
func TestRetentionPrunesEachDestinationWithItsOwnPolicy(t *testing.T) {
	t.Parallel()
	primary, err := fsstore.New(t.TempDir())
	require.NoError(t, err)
	local, err := fsstore.New(t.TempDir())
	require.NoError(t, err)
	kr := keyringtest.New(t)
	layout := backup.Layout{Prefix: "arca"}
	now := time.Now().UTC()
	put := func(st objstore.Store, id string, age time.Duration) string {
		t.Helper()
		m := backup.Manifest{FormatVersion: backup.FormatVersion, BackupID: id, Kind: "tenant", Tenant: "casa_01",
			CreatedAt: now.Add(-age), CommittedAt: now.Add(-age),
			Object: backup.Object{Key: layout.Data("tenant", "casa_01", id), Size: 6, SHA256: strings.Repeat("ab", 32),
				Parts: []backup.Part{{Index: 0, Size: 6, SHA256: strings.Repeat("ab", 32)}}},
			Export: json.RawMessage(`{"tables":[]}`)}
		key, doc, err := layout.SealManifest(t.Context(), m, kr)
		require.NoError(t, err)
		_, err = st.Put(t.Context(), m.Object.Key, strings.NewReader("sealed"), 6)
		require.NoError(t, err)
		_, err = st.Put(t.Context(), key, bytes.NewReader(doc), int64(len(doc)))
		require.NoError(t, err)
		return key
	}
	var oldKeys []string
	for _, st := range []objstore.Store{primary, local} {
		put(st, "new", time.Hour)
		oldKeys = append(oldKeys, put(st, "old", 20*24*time.Hour))
	}
	keep14 := retention.DefaultPolicy()
	keep14.Kinds["tenant"] = retention.KindPolicy{KeepDays: 14}
	ops := bucketOps{store: primary, keys: fixedKeys{kr}, log: slog.New(slog.DiscardHandler),
		cfg: Config{Layout: layout, Retention: retention.DefaultPolicy(), Copies: []RetentionCopy{{Name: "local", Store: local, Policy: keep14}}}}
	require.NoError(t, ops.retention(t.Context(), RunInfo{ID: "r1"}))

	_, err = primary.Stat(t.Context(), oldKeys[0])
	require.NoError(t, err, "the primary keeps 90 days")
	_, err = local.Stat(t.Context(), oldKeys[1])
	require.ErrorIs(t, err, objstore.ErrNotFound, "local keeps 14")
	_, err = local.Stat(t.Context(), layout.Manifest("tenant", "casa_01", "new"))
	require.NoError(t, err)
}
