package jobs_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/jobs"
)

// Small jobs share the budget; a large one waits until its bytes are free,
// one larger than the whole budget until all of it is; a nil budget never
// waits.
func TestBudgetHoldsBackWhatDoesNotFit(t *testing.T) {
	t.Parallel()
	b := jobs.NewBudget(10)
	r1, err := b.Take(t.Context(), 4)
	require.NoError(t, err)
	r2, err := b.Take(t.Context(), 4)
	require.NoError(t, err)

	got := make(chan func(), 1)
	go func() {
		r, err := b.Take(context.Background(), 100) // capped at the whole budget
		if err == nil {
			got <- r
		}
	}()
	short, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	_, err = b.Take(short, 3)
	require.ErrorIs(t, err, context.DeadlineExceeded, "3 bytes do not fit in the 2 left")
	r1()
	r1() // once only
	require.Never(t, func() bool { return len(got) > 0 }, 50*time.Millisecond, 5*time.Millisecond, "the large job waits for the whole budget")
	r2()
	big := <-got
	big()
	r, err := b.Take(t.Context(), 10)
	require.NoError(t, err)
	r()

	var none *jobs.Budget
	r, err = none.Take(t.Context(), 1<<40)
	require.NoError(t, err)
	r()
	require.Nil(t, jobs.NewBudget(0))
}
