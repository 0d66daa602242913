package export_test

import (
	"context"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestExportConsistentUnderLoad moves amounts between two tables, copied by
// different sessions, while exports run; every export must balance.
func TestExportConsistentUnderLoad(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := t.Context()
	const rows, each = 20000, 100
	for _, tab := range []string{"checking", "savings"} {
		_, err := b.db.Pool.Exec(ctx, `CREATE TABLE public.`+tab+` (id int PRIMARY KEY, "tenantId" text NOT NULL, amount bigint NOT NULL, pad text);
			INSERT INTO public.`+tab+` SELECT i, 'acme', `+strconv.Itoa(each)+`, repeat('x', 200) FROM generate_series(1, `+strconv.Itoa(rows)+`) i`)
		require.NoError(t, err)
	}
	b.cfg.Parallelism = 4

	wctx, stop := context.WithCancel(ctx)
	var moves atomic.Int64
	done := make(chan error, 1)
	go func() {
		for wctx.Err() == nil {
			a, c, amt := rand.IntN(rows)+1, rand.IntN(rows)+1, rand.IntN(50)+1
			_, err := b.db.Pool.Exec(wctx, `WITH x AS (UPDATE public.checking SET amount = amount - $3 WHERE id = $1)
				UPDATE public.savings SET amount = amount + $3 WHERE id = $2`, a, c, amt)
			if err != nil && wctx.Err() == nil {
				done <- err
				return
			}
			moves.Add(1)
		}
		done <- nil
	}()
	for moves.Load() == 0 { // wait for the writer to be running
		select {
		case err := <-done:
			require.NoError(t, err)
		default:
		}
	}
	for range 3 {
		before := moves.Load()
		e := b.export(t, "acme")
		require.Greater(t, moves.Load(), before, "writes happened during the export")
		total := int64(0)
		for _, tab := range []string{"checking", "savings"} {
			recs := e.table(t, "tenant-owned", "public", tab)
			require.Len(t, recs, rows+1)
			for _, r := range recs[1:] {
				f := strings.Split(r, ",")
				n, err := strconv.ParseInt(f[2], 10, 64)
				require.NoError(t, err)
				total += n
			}
		}
		require.Equal(t, int64(2*rows*each), total)
	}
	stop()
	require.NoError(t, <-done)
}
