package stack_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/cmd/arca/internal/config"
	"github.com/arcabackup/arca/cmd/arca/internal/stack"
	"github.com/arcabackup/arca/pkg/seal/keyring"
)

// Every destination is pruned with its own retention, a WAL archive in
// each that takes base backups; --destination names one, or is refused.
func TestPruneDestinations(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "arca.yaml")
	doc := "dir: " + dir + "\nstore: {kind: fs, fs: {dir: " + filepath.Join(dir, "primary") + "}, destinations: [{name: local, kind: fs, fs: {dir: " +
		filepath.Join(dir, "local") + "}, retention: {tenant_export: 14d}, kinds: [tenant, full]}, {name: dr, kind: fs, fs: {dir: " +
		filepath.Join(dir, "dr") + "}, kinds: [base]}]}\n"
	require.NoError(t, os.WriteFile(path, []byte(doc), 0o600))
	cfg, err := config.Load(path, func(string) string { return "" })
	require.NoError(t, err)
	keys := keyring.New()

	dests, err := stack.PruneDestinations(t.Context(), cfg, keys, "")
	require.NoError(t, err)
	require.Len(t, dests, 3)
	require.Equal(t, "primary", dests[0].Name)
	require.NotNil(t, dests[0].WAL)
	require.Equal(t, "local", dests[1].Name)
	require.Nil(t, dests[1].WAL, "no base backups there, so no copy of the WAL archive")
	require.Equal(t, "dr", dests[2].Name)
	require.NotNil(t, dests[2].WAL, "dr takes base backups and holds a copy of the WAL archive")
	require.Equal(t, 14, dests[1].Policy.Kinds["tenant"].KeepDays)
	require.Equal(t, int(time.Duration(cfg.Retention.TenantExport)/(24*time.Hour)), dests[0].Policy.Kinds["tenant"].KeepDays)

	dests, err = stack.PruneDestinations(t.Context(), cfg, keys, "local")
	require.NoError(t, err)
	require.Len(t, dests, 1)
	require.Nil(t, dests[0].WAL)

	_, err = stack.PruneDestinations(t.Context(), cfg, keys, "nowhere")
	require.ErrorIs(t, err, stack.ErrNoSuchDestination)
	require.EqualError(t, err, `--destination "nowhere": no such destination (store.destinations)`)
}
