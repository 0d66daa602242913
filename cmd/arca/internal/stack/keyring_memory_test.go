package stack_test

import (
	"runtime/metrics"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/cmd/arca/internal/stack"
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
	s := []metrics.Sample{
		{Name: "/memory/classes/heap/objects:bytes"},
		{Name: "/memory/classes/heap/unused:bytes"},
		{Name: "/memory/classes/heap/free:bytes"},
	}
	metrics.Read(s)
	backed := s[0].Value.Uint64() + s[1].Value.Uint64() + s[2].Value.Uint64()
	require.Less(t, backed, uint64(16<<20), "heap memory backed by pages right after the unlock: %d MiB", backed>>20)
}
