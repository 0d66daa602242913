package tenancy

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestTopoOrderCyclesAndSelfLoops(t *testing.T) {
	t.Parallel()
	// 0 <- 1 <- 2 -> 3 -> 2 (cycle 2,3), 4 independent, 5 self-loop on 0.
	deps := [][]int{0: nil, 1: {0}, 2: {1, 3}, 3: {2}, 4: nil, 5: {5, 0}}
	order, cycle := topoOrder(6, deps, func(a, b int) bool { return a < b })
	require.Equal(t, []int{0, 1, 2, 3, 4, 5}, order)
	require.Equal(t, []int{0, 0, 1, 1, 0, 0}, cycle)

	// Reversed tie-break: independent nodes flip, dependencies still hold.
	order, _ = topoOrder(6, deps, func(a, b int) bool { return a > b })
	pos := map[int]int{}
	for i, v := range order {
		pos[v] = i
	}
	require.Less(t, pos[0], pos[1])
	require.Less(t, pos[1], pos[2])
	require.Less(t, pos[0], pos[5])
	require.Equal(t, 4, order[0], "ready nodes are taken in tie-break order")
}
