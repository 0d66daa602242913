package stack_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/cmd/arca/internal/config"
	"github.com/arcabackup/arca/cmd/arca/internal/stack"
	"github.com/arcabackup/arca/pkg/objstore/fsstore"
	"github.com/arcabackup/arca/pkg/restore/tenantpitr"
	"github.com/arcabackup/arca/pkg/seal/keyring"
)

// A tenant point-in-time restore reads the configured bucket's layout,
// replays WAL with the given restore_command, exports with the exporter's
// code and restores into the source's server.
func TestTenantPITRFromTheConfiguration(t *testing.T) {
	var cfg config.Config
	cfg.Source.URL, cfg.Source.PGBinDir, cfg.Store.Prefix = "postgres://arca@db/app", "/usr/lib/postgresql/16/bin", "prod"
	store, err := fsstore.New(t.TempDir())
	require.NoError(t, err)
	kr := keyring.New()
	var steps []string
	pc := stack.TenantPITR(cfg, store, kr, "arca wal-fetch %f %p", "/scratch", "1.2.3", func(s tenantpitr.Step) { steps = append(steps, s.Name) })
	require.Equal(t, "prod", pc.PITR.Layout.Prefix)
	require.Equal(t, "arca wal-fetch %f %p", pc.PITR.RestoreCommand)
	require.Same(t, kr, pc.PITR.Keys)
	require.Equal(t, "postgres://arca@db/app", pc.SourceURL)
	require.Equal(t, "/usr/lib/postgresql/16/bin", pc.PGBinDir)
	require.Equal(t, "/scratch", pc.TempDir)
	require.NotNil(t, pc.Export)
	pc.Progress(tenantpitr.Step{Name: tenantpitr.StepRecovery})
	require.Equal(t, []string{tenantpitr.StepRecovery}, steps)
}

// A tenant restore goes into the source with the configuration's tenancy,
// layout and keys, by point-in-time recovery from the store it is given.
func TestTenantRestoreFromTheConfiguration(t *testing.T) {
	var cfg config.Config
	cfg.Source.URL, cfg.Store.Prefix = "postgres://arca@db/app", "prod"
	store, err := fsstore.New(t.TempDir())
	require.NoError(t, err)
	kr := keyring.New()
	o := stack.TenantRestore(cfg, store, kr, "arca wal-fetch %f %p", "/scratch", "1.2.3", nil)
	require.Equal(t, "postgres://arca@db/app", o.DB)
	require.Equal(t, "prod", o.Layout.Prefix)
	require.Equal(t, stack.Tenancy(cfg), o.Restore.Tenancy)
	require.Same(t, kr, o.Keys)
	require.NotNil(t, o.PITR)
	require.Equal(t, store, o.PITR.PITR.Store)
	require.Equal(t, "/scratch", o.PITR.TempDir)
	require.Zero(t, o.Restore.Mode, "the caller chooses the mode")
}
