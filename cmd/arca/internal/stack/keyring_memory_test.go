package stack_test

import (
	"io"
	"log/slog"
	"path/filepath"
	"runtime/metrics"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/cmd/arca/internal/stack"
	"github.com/arcabackup/arca/pkg/seal/keyring"
	"github.com/arcabackup/arca/pkg/teststack"
)

// Unlocking a keyring file takes 32 MiB for scrypt (N=65536, r=8: half of
// its 64 MiB table kept, pkg/seal/keyring/scrypt.go), the peak of a command
// such as restore tenant (#17.3). stack.Keyring gives it back to the system
// before returning, so that the command's own allocations never come on top
// of it: right after the unlock the heap holds the scrypt table neither as
// an object nor as free memory still backed by pages.
func TestKeyringUnlockGivesScryptsMemoryBack(t *testing.T) {
	cfg := fileConfig(t)
	_, err := stack.Keyring(t.Context(), cfg, true) // created
	require.NoError(t, err)
	_, err = stack.Keyring(t.Context(), cfg, false) // unlocked: scrypt
	require.NoError(t, err)
	backed := heapBacked()
	require.Less(t, backed, uint64(16<<20), "heap memory backed by pages right after the unlock: %d MiB", backed>>20)
}

// A stage's keyring (the encryptor's, the verifier's) gives the unlock's
// memory back too: they unlock at start and then wait for work, and their
// idle RSS was their start-up peak (104 MiB, #17.3).
func TestLiveKeyringGivesScryptsMemoryBack(t *testing.T) {
	ctx := t.Context()
	n := teststack.NewNATS(t)
	store := keyring.File{Path: filepath.Join(t.TempDir(), "keyring.json"), Passphrase: []byte("p")}
	_, err := keyring.Init(ctx, store)
	require.NoError(t, err)
	live, stop, err := stack.LiveKeyring(ctx, store, n.JS, 1, []string{"encryptor"}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	require.NoError(t, err)
	t.Cleanup(stop)
	_, err = live.Primary("")
	require.NoError(t, err)
	backed := heapBacked()
	t.Logf("heap backed after the unlock: %.1f MiB", float64(backed)/(1<<20))
	require.Less(t, backed, uint64(16<<20), "heap memory backed by pages right after the unlock: %d MiB", backed>>20)
}

// heapBacked is the heap's memory backed by pages: its objects and the
// free or unused memory not yet returned to the system.
func heapBacked() uint64 {
	s := []metrics.Sample{
		{Name: "/memory/classes/heap/objects:bytes"},
		{Name: "/memory/classes/heap/unused:bytes"},
		{Name: "/memory/classes/heap/free:bytes"},
	}
	metrics.Read(s)
	return s[0].Value.Uint64() + s[1].Value.Uint64() + s[2].Value.Uint64()
}
