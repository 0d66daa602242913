package stack_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/cmd/arca/internal/config"
	"github.com/arcabackup/arca/cmd/arca/internal/stack"
	"github.com/arcabackup/arca/pkg/objstore/destinations"
	"github.com/arcabackup/arca/pkg/seal/keyring"
	"github.com/arcabackup/arca/pkg/wal/receive"
)

// ListBackups reads the primary, or the destination named; a name
// store.destinations lacks is a ConfigError (the CLI's exit 2) that says
// which.
func TestListBackupsOfADestination(t *testing.T) {
	cfg := fileConfig(t)
	_, err := stack.Keyring(t.Context(), cfg, true)
	require.NoError(t, err)

	got, err := stack.ListBackups(t.Context(), cfg, "", "")
	require.NoError(t, err)
	require.Empty(t, got.Backups)
	require.Empty(t, got.Refused)

	_, err = stack.ListBackups(t.Context(), cfg, "nowhere", "tenant-a")
	var ce stack.ConfigError
	require.True(t, errors.As(err, &ce), "%v", err)
	require.ErrorIs(t, err, stack.ErrNoSuchDestination)
	require.EqualError(t, err, `--destination "nowhere": no such destination (store.destinations)`)

	repo, keys, err := stack.OpenRepo(t.Context(), cfg)
	require.NoError(t, err)
	require.NotNil(t, keys)
	require.Equal(t, stack.Layout(cfg), repo.Layout)
}

// Places give each destination its repository and the kinds it takes:
// the primary every kind, a further one what store.destinations says.
func TestPlacesTakeWhatEachDestinationTakes(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "arca.yaml")
	doc := "dir: " + dir + "\nstore: {kind: fs, fs: {dir: " + filepath.Join(dir, "primary") + "}, destinations: [{name: dr, kind: fs, fs: {dir: " +
		filepath.Join(dir, "dr") + "}, kinds: [base]}]}\n"
	require.NoError(t, os.WriteFile(path, []byte(doc), 0o600))
	cfg, err := config.Load(path, func(string) string { return "" })
	require.NoError(t, err)
	set, err := stack.Destinations(t.Context(), cfg)
	require.NoError(t, err)

	places := stack.Places(cfg, set, keyring.New())
	require.Len(t, places, 2)
	require.Equal(t, "primary", places[0].Name)
	require.True(t, places[0].Takes("tenant"))
	require.Equal(t, "dr", places[1].Name)
	require.True(t, places[1].Takes("base"))
	require.False(t, places[1].Takes("tenant"))
	require.Equal(t, set[1].Store, places[1].Repo.Store)
	require.Empty(t, stack.Places(cfg, destinations.Set{}, keyring.New()))
}

// An instance is current at the announced epoch or later, else BEHIND and
// why when it says.
func TestKeyringInstanceState(t *testing.T) {
	require.Equal(t, "current", stack.KeyringInstance{Epoch: 3}.State(3))
	require.Equal(t, "current", stack.KeyringInstance{Epoch: 4}.State(3))
	require.Equal(t, "BEHIND", stack.KeyringInstance{Epoch: 2}.State(3))
	require.Equal(t, "BEHIND: reload failed", stack.KeyringInstance{Epoch: 2, Behind: "reload failed"}.State(3))
}

// A choice wal-receive refuses is a ConfigError, before any connection.
func TestRunWALReceiveRefusesABadSlotName(t *testing.T) {
	cfg := fileConfig(t)
	err := stack.RunWALReceive(t.Context(), cfg, receive.Config{Slot: "Bad-Slot"}, nil)
	var ce stack.ConfigError
	require.True(t, errors.As(err, &ce), "%v", err)
	require.ErrorContains(t, err, `slot name "Bad-Slot"`)
}
