package service

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/services/exporter/internal/export"
)

// A batch holds at most the members its export slots pay for: with 4
// concurrent exports, 32 (4 × 8). Before, a configured batch of 50 took the
// 4 slots and held 50 members' encoders and parts at once (406 MiB peak
// RSS of arca dev against 271–333 MiB with batches of 16).
func TestABatchHoldsNoMoreMembersThanItsSlotsPayFor(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ exports, batch, want int }{
		{4, 50, 4 * export.MembersPerSlot},
		{4, 16, 16},
		{1, 16, export.MembersPerSlot},
		{0, 0, 16}, // the defaults
	} {
		got := Config{MaxConcurrentExports: c.exports, BatchSize: c.batch}.withDefaults()
		require.Equal(t, c.want, got.BatchSize, "%d exports, batch %d", c.exports, c.batch)
		require.GreaterOrEqual(t, got.Worker.Slots, got.BatchSize*got.MaxConcurrentExports)
	}
}
