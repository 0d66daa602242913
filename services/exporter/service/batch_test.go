package service

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// A coordinator batch larger than the exporter's BatchSize is read in even
// pieces, each at most BatchSize: 50 jobs at 16 as 13, 13, 12, 12, not 16,
// 16, 16 and a remainder of 2 (which scans every shared table for two
// tenants while a full piece runs on alone).
func TestCoordinatorBatchIsCutIntoEvenPieces(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		n, size int
		want    []int
	}{
		{50, 16, []int{13, 13, 12, 12}},
		{64, 16, []int{16, 16, 16, 16}},
		{17, 16, []int{9, 8}},
		{10, 16, []int{10}},
		{2, 16, []int{2}},
	} {
		b := newBatcher(&Service{cfg: Config{BatchSize: c.size}})
		var got []int
		for left := c.n; left > 0; {
			w := b.want("run#0", c.n)
			got = append(got, w)
			left -= w
		}
		require.Equal(t, c.want, got, "%d jobs at %d", c.n, c.size)
		require.Empty(t, b.cuts, "a batch cut to its end is forgotten")
		// The next run's batch of the same size is cut the same way.
		require.Equal(t, c.want[0], b.want("run2#0", c.n))
	}
}
