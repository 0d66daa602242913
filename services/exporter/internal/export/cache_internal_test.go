package export

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/teststack"
)

// TestCacheProducesOnceAndForgetsFailures: exports that miss one key
// together wait for one production; a failed production is not kept, and
// a waiter then produces the value itself; the cache stays bounded.
func TestCacheProducesOnceAndForgetsFailures(t *testing.T) {
	t.Parallel()
	c := NewCache()
	release := make(chan struct{})
	var produced atomic.Int32
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			v, err := c.get(t.Context(), "k", func() (any, error) {
				produced.Add(1)
				<-release
				return "ddl", nil
			})
			require.NoError(t, err)
			require.Equal(t, "ddl", v)
		})
	}
	for c.Stats().Misses == 0 {
		runtime.Gosched() // until the first caller produces
	}
	close(release)
	wg.Wait()
	require.EqualValues(t, 1, produced.Load())
	require.Equal(t, CacheStats{Hits: 7, Misses: 1}, c.Stats())

	failing := make(chan struct{})
	done := make(chan error)
	go func() {
		_, err := c.get(t.Context(), "f", func() (any, error) { <-failing; return nil, errors.New("cancelled") })
		done <- err
	}()
	for c.Stats().Misses == 1 {
		runtime.Gosched() // until the failing call produces
	}
	waiter := make(chan any)
	go func() {
		v, err := c.get(context.Background(), "f", func() (any, error) { return "own", nil })
		require.NoError(t, err)
		waiter <- v
	}()
	close(failing)
	require.Error(t, <-done)
	require.Equal(t, "own", <-waiter, "the waiter produced the value itself")

	for i := range 3 * maxCacheEntries {
		_, err := c.get(t.Context(), fmt.Sprint("key-", i), func() (any, error) { return i, nil })
		require.NoError(t, err)
	}
	require.Len(t, c.entries, maxCacheEntries)
	require.Len(t, c.order, maxCacheEntries)
}

// TestFingerprintTellsHistoriesApart: the same catalog read twice has one
// fingerprint; after a restart of the server (what every restore, PITR,
// failover or disk snapshot of the cluster implies, reusing transaction
// ids for other DDL) it has another, so no entry of the old history is
// served.
func TestFingerprintTellsHistoriesApart(t *testing.T) {
	t.Parallel()
	pg := teststack.InitPG(t)
	pg.Start(t, true)
	c := NewCache()
	read := func() string {
		t.Helper()
		conn := pg.Connect(t)
		defer func() { _ = conn.Close(context.Background()) }()
		tx, err := conn.BeginTx(t.Context(), pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
		require.NoError(t, err)
		defer func() { _ = tx.Rollback(context.Background()) }()
		fp, err := c.catalogFingerprint(t.Context(), tx, "postgres", "15")
		require.NoError(t, err)
		return fp
	}
	first := read()
	require.Equal(t, first, read(), "an unchanged catalog")
	pg.Stop(t)
	pg.Start(t, true)
	require.NotEqual(t, first, read(), "the same catalog in a restarted server: maybe another history")
}
