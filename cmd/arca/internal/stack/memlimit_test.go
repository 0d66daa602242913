package stack_test

import (
	"math"
	"os"
	"runtime/debug"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/cmd/arca/internal/stack"
)

// The environment's GOMEMLIMIT wins over the command's soft limit.
func TestSoftMemoryLimitYieldsToGOMEMLIMIT(t *testing.T) {
	before := debug.SetMemoryLimit(-1)
	t.Cleanup(func() { debug.SetMemoryLimit(before) })

	debug.SetMemoryLimit(math.MaxInt64)
	t.Setenv("GOMEMLIMIT", "1GiB")
	stack.SoftMemoryLimit(stack.RestoreMemoryLimit)
	require.Equal(t, int64(math.MaxInt64), debug.SetMemoryLimit(-1))

	t.Setenv("GOMEMLIMIT", "")
	require.NoError(t, os.Unsetenv("GOMEMLIMIT")) // t.Setenv restores it
	stack.SoftMemoryLimit(stack.RestoreMemoryLimit)
	require.Equal(t, int64(stack.RestoreMemoryLimit), debug.SetMemoryLimit(-1))
}
