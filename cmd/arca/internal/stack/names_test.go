package stack_test

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/cmd/arca/internal/stack"
)

// Completion's names come from the bucket's keys when the source cannot
// be read, and nothing at all when the bucket cannot be opened either.
func TestCompletionNamesFallBackToTheBucket(t *testing.T) {
	cfg := fileConfig(t)
	cfg.Source.URL = "postgres://arca@127.0.0.1:1/none?connect_timeout=2"
	store, err := stack.Store(t.Context(), cfg)
	require.NoError(t, err)
	l := stack.Layout(cfg)
	for _, k := range []string{l.Manifest("tenant", "home-2", "20261128T020000Z-b"), l.Manifest("tenant", "home-1", "20261128T010000Z-a"),
		l.Manifest("tenant", "casa-1", "20261128T030000Z-c"), l.Manifest("full", "", "20261128T000000Z-f")} {
		_, err := store.Put(t.Context(), k, bytes.NewReader([]byte("{}")), 2)
		require.NoError(t, err)
	}
	require.Equal(t, []string{"home-1", "home-2"}, stack.TenantIDs(t.Context(), cfg, "home"))
	require.Equal(t, []string{"20261128T030000Z-c", "20261128T020000Z-b", "20261128T010000Z-a"}, stack.BackupIDs(t.Context(), cfg, "", "tenants"))
	require.Equal(t, []string{"20261128T000000Z-f"}, stack.BackupIDs(t.Context(), cfg, "2026", "full"))
	require.Len(t, stack.BackupIDs(t.Context(), cfg, "", ""), 4, "every kind")

	cfg.Store.Kind = "nowhere"
	require.Empty(t, stack.TenantIDs(t.Context(), cfg, ""))
	require.Empty(t, stack.BackupIDs(t.Context(), cfg, "", ""))
}
