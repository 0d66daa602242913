package service

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TestSplitLanes: a batch is read in up to Parallelism lanes of at least
// minLaneMembers tenants, dealt round robin; every member in one lane.
func TestSplitLanes(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		n, most int
		sizes   []int
	}{
		{n: 1, most: 2, sizes: []int{1}},
		{n: 16, most: 2, sizes: []int{16}},
		{n: 31, most: 2, sizes: []int{31}},
		{n: 32, most: 2, sizes: []int{16, 16}},
		{n: 50, most: 2, sizes: []int{25, 25}},
		{n: 51, most: 2, sizes: []int{26, 25}},
		{n: 50, most: 1, sizes: []int{50}},
		{n: 50, most: 4, sizes: []int{17, 17, 16}},
		{n: 64, most: 3, sizes: []int{22, 21, 21}},
	} {
		lanes := splitLanes(c.n, c.most)
		var sizes []int
		seen := map[int]bool{}
		for _, l := range lanes {
			sizes = append(sizes, len(l))
			for _, i := range l {
				require.False(t, seen[i])
				seen[i] = true
			}
		}
		require.Equal(t, c.sizes, sizes, "%d members, %d lanes at most", c.n, c.most)
		require.Len(t, seen, c.n)
	}
}

// TestBatchDefaults: by default an exporter reads a whole coordinator batch
// (up to 64 tenants, the coordinator's export_batch) together, and its
// worker holds one such batch and the exports beside it, not one batch per
// concurrent export.
func TestBatchDefaults(t *testing.T) {
	t.Parallel()
	c := Config{}.withDefaults()
	require.Equal(t, 64, c.BatchSize)
	require.Equal(t, 64+4, c.Worker.Slots)
	c = Config{BatchSize: 16, MaxConcurrentExports: 2}.withDefaults()
	require.Equal(t, 16+2, c.Worker.Slots)
	c = Config{BatchSize: 1}.withDefaults()
	require.Equal(t, 0, c.Worker.Slots, "no batches: the worker's own default")
}
