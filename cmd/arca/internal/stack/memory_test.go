package stack_test

import (
	"os"
	"runtime"
	"runtime/metrics"
	"runtime/pprof"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/messages"
)

// peakLive samples the live heap (what the last GC found reachable) until
// stop is called, and returns its peak. The live heap, unlike RSS or the
// heap's size between collections, does not depend on GC pacing, so the
// bound below holds on a loaded machine as on an idle one.
func peakLive() (stop func() uint64) {
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	var peak uint64
	var mu sync.Mutex
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(s)
			mu.Lock()
			peak = max(peak, s[0].Value.Uint64())
			mu.Unlock()
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() uint64 {
		close(done)
		<-finished
		mu.Lock()
		defer mu.Unlock()
		return peak
	}
}

// addRows grows tenant acme by about mb MB of CSV: invoice notes that
// compress about as well as care records.
func (p *pipeline) addRows(t *testing.T, from, mb int) int {
	t.Helper()
	rows := mb * 1000
	_, err := p.source.Exec(t.Context(), `INSERT INTO public.invoices (id, "tenantId", subscription_id, amount, note)
		SELECT 1000000 + g, 'acme', 11, g % 1000, repeat('turno sem intercorrências, residente ' || (g % 97) || ' ref ' || md5(g::text) || '; ', 12)
		FROM generate_series($1::int, $2::int) g`, from, from+rows-1)
	require.NoError(t, err)
	return from + rows
}

// backupAndWait backs acme up and waits (generously) for its verification.
func (p *pipeline) backupAndWait(t *testing.T) {
	t.Helper()
	ctx := t.Context()
	events, err := p.js.OrderedConsumer(ctx, messages.StreamEvents, jetstream.OrderedConsumerConfig{FilterSubjects: []string{"events.*.*.verify.*"}})
	require.NoError(t, err)
	_, err = p.coord.BackupTenants(ctx, []string{"acme"}, messages.KindTenant, "mem-"+time.Now().Format("150405.000"))
	require.NoError(t, err)
	for {
		msg, err := events.Next(jetstream.FetchMaxWait(10 * time.Minute))
		require.NoError(t, err)
		e, err := messages.Decode[messages.Event](msg.Data())
		require.NoError(t, err)
		if e.Status == messages.StatusProgress {
			continue // one per part verified
		}
		require.Equal(t, messages.StatusSucceeded, e.Status, e.Error)
		return
	}
}

// Memory stays flat whatever the tenant's size: every stage and the NATS
// server in one process (as arca dev runs them) back up a tenant, then the
// same tenant four times larger; the peak live heap of each stays under a
// bound that the larger tenant's data exceeds three times over, and the
// larger one's exceeds the smaller one's by less than a part.
// ARCA_MEM_PROFILE=FILE writes a heap profile taken at the end.
func TestMemoryStaysFlatWhateverTheTenantSize(t *testing.T) {
	if testing.Short() {
		t.Skip("backs up 200 MB")
	}
	p := startPipeline(t, nil)
	next := p.addRows(t, 1, 50)
	runtime.GC()
	stop := peakLive()
	p.backupAndWait(t)
	small := stop()

	p.addRows(t, next, 150)
	runtime.GC()
	stop = peakLive()
	p.backupAndWait(t)
	large := stop()
	t.Logf("peak live heap: %d MiB backing up ~50 MB, %d MiB backing up ~200 MB", small>>20, large>>20)
	if f := os.Getenv("ARCA_MEM_PROFILE"); f != "" {
		out, err := os.Create(f)
		require.NoError(t, err)
		require.NoError(t, pprof.Lookup("heap").WriteTo(out, 0))
		require.NoError(t, out.Close())
	}
	// Before issue 17 (plaintext parts of 32 MiB held twice by the exporter,
	// a zstd encoder per encryptor slot, 8 MiB chunks) this test measured
	// 155 MiB for the smaller backup.
	const bound = 64 << 20
	require.Less(t, small, uint64(bound), "peak live heap of the smaller backup under the bound")
	require.Less(t, large, uint64(bound), "peak live heap of the larger backup (about 3 times the bound in CSV) under the bound")
	require.Less(t, large, small+16<<20, "the peak does not grow with the tenant's size")
}
