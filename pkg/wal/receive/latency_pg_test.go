package receive_test

import (
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/teststack"
	"github.com/arcabackup/arca/pkg/wal/internal/pgtest"
)

// TestSyncCommitLatency measures what synchronous mode costs a commit: one
// client, ARCA_WAL_SYNC_COMMITS (200) single-row inserts with the receiver
// streaming asynchronously, then as many with it named in
// synchronous_standby_names (each commit waits for one Put). A measurement
// for docs/benchmarks.md; it asserts only that sync commits complete.
func TestSyncCommitLatency(t *testing.T) {
	t.Parallel()
	n := 200
	p := newPrimary(t, options{})
	cfg := p.receiverConfig(t)
	cfg.Sync = true
	run := start(t, cfg)
	teststack.Eventually(t, time.Minute, func() bool { return run.r.Status().Connected }, "the receiver to connect")
	measure := func(from int) []time.Duration {
		var out []time.Duration
		for id := from; id < from+n; id++ {
			began := time.Now()
			_, err := p.conn.Exec(t.Context(), "INSERT INTO note (id) VALUES ($1)", id)
			require.NoError(t, err)
			out = append(out, time.Since(began))
		}
		slices.Sort(out)
		return out
	}
	local := measure(1)
	p.makeReceiverSynchronous(t)
	synced := measure(1 + n)
	ms := func(d time.Duration) time.Duration { return d.Round(10 * time.Microsecond) }
	t.Logf("commit latency, %d single-row inserts, one client: local (receiver async) p50 %s p99 %s; synchronous (WAL in the bucket) p50 %s p99 %s",
		n, ms(pgtest.Percentile(local, 0.5)), ms(pgtest.Percentile(local, 0.99)), ms(pgtest.Percentile(synced, 0.5)), ms(pgtest.Percentile(synced, 0.99)))
}
