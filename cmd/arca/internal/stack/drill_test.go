package stack_test

import (
	"io"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/cmd/arca/internal/stack"
)

// A drill of a tenant with no backup runs, from the bucket and keyring
// alone, and does not pass; with no full dump there is no full drill, and
// with no NATS the outcome is the only record.
func TestDrillOfATenantWithoutBackupsDoesNotPass(t *testing.T) {
	cfg := fileConfig(t)
	cfg.Source.PGBinDir = t.TempDir() // pg_restore is never run: no full dump
	_, err := stack.Keyring(t.Context(), cfg, true)
	require.NoError(t, err)

	out, err := stack.Drill(t.Context(), cfg, stack.DrillOptions{Tenants: []string{"acme"}, AdminURL: "postgres://127.0.0.1:1/none"},
		slog.New(slog.NewTextHandler(io.Discard, nil)))
	require.NoError(t, err)
	require.Nil(t, out.Full)
	require.False(t, out.Tenants.Passed)
	require.Len(t, out.Tenants.Tenants, 1)
	require.Equal(t, "acme", out.Tenants.Tenants[0].Tenant)
	require.Contains(t, out.Tenants.Tenants[0].Reason, "find newest backup")
	require.Error(t, out.Err())
}
