package stack_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/cmd/arca/internal/config"
	"github.com/arcabackup/arca/cmd/arca/internal/stack"
)

// arca dev encrypts its store with ARCA_NATS_STORE_KEY when set; otherwise
// it generates a key once, keeps it beside the store (owner-only), and
// reuses it on every later start.
func TestDevStoreKeyComesFromTheEnvironmentOrTheStateDirectory(t *testing.T) {
	cfg := config.Default()
	cfg.Dir = filepath.Join(t.TempDir(), "state")

	t.Setenv(stack.StoreKeyEnv, "")
	k1, err := stack.StoreKey(cfg)
	require.NoError(t, err)
	require.Len(t, k1, 64)
	fi, err := os.Stat(filepath.Join(cfg.Dir, "nats.key"))
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
	k2, err := stack.StoreKey(cfg)
	require.NoError(t, err)
	require.Equal(t, k1, k2, "the kept key is reused")

	t.Setenv(stack.StoreKeyEnv, "operator-supplied-key-0123456789")
	k3, err := stack.StoreKey(cfg)
	require.NoError(t, err)
	require.Equal(t, "operator-supplied-key-0123456789", k3)

	s, err := stack.Embedded(cfg)
	require.NoError(t, err)
	s.Stop()
}
