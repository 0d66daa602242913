// Command exportbench exports one tenant to io.Discard and prints the
// throughput, for docs/benchmarks.md; with -batch N, every tenant of the
// source in batches of N (export.Batch, each member compressed as the
// exporter stage does), the batches -lanes at a time. Measure its peak RSS
// with /usr/bin/time -v; -cpuprofile writes a pprof CPU profile. It is a
// benchmark harness, not a service.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/pprof"
	"sync"
	"time"

	"github.com/klauspost/compress/zstd"

	"github.com/arcabackup/arca/pkg/iocount"
	"github.com/arcabackup/arca/pkg/tenancy"
	"github.com/arcabackup/arca/pkg/zframe"
	"github.com/arcabackup/arca/services/exporter/internal/compress"
	"github.com/arcabackup/arca/services/exporter/internal/export"
	"github.com/arcabackup/arca/services/exporter/internal/fulldump"
	"github.com/arcabackup/arca/services/exporter/internal/source"
)

func main() {
	url := flag.String("url", "", "source database URL")
	tenant := flag.String("tenant", "", "tenant id")
	parallel := flag.Int("parallel", 2, "COPY sessions")
	table := flag.String("tenant-table", "", "tenancy tenant_table (schema.table), e.g. public.tenants of make bench-compare's database")
	key := flag.String("tenant-key", "id", "tenancy tenant_table key")
	column := flag.String("tenant-column", "", "tenancy tenant_columns (one), e.g. tenantId")
	batch := flag.Int("batch", 0, "export every tenant in batches of this many (0: -tenant alone)")
	lanes := flag.Int("lanes", 1, "batches read at once")
	cpu := flag.String("cpuprofile", "", "write a CPU profile here")
	full := flag.Bool("full", false, "a full logical dump (pg_dump, as the exporter stage's full export) compressed as the stage does, to compare with -batch")
	repeat := flag.Int("repeat", 1, "export -tenant this many times in one process with the stage's export cache and kept sessions, compressed as the stage does (at -level), and print each export after the first: the warm path of arca backup tenant")
	level := flag.Int("level", 1, "zstd level, as pipeline.compression_level (default 1)")
	flag.Parse()
	l, err := zframe.Level(*level)
	if err != nil {
		fmt.Fprintln(os.Stderr, "exportbench:", err)
		os.Exit(2)
	}
	benchLevel = l
	if *cpu != "" {
		f, err := os.Create(*cpu)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "exportbench:", err)
			os.Exit(1)
		}
		defer pprof.StopCPUProfile()
	}
	var tc tenancy.Config
	if *table != "" {
		tc.TenantTable = tenancy.TenantTable{Table: *table, Key: *key}
	}
	if *column != "" {
		tc.TenantColumns = []string{*column}
	}
	run := func() error { return run(*url, *tenant, *parallel, tc) }
	if *repeat > 1 {
		run = func() error { return runWarm(*url, *tenant, *parallel, *repeat, tc) }
	}
	if *batch > 0 {
		run = func() error { return runBatches(*url, *batch, *lanes, tc) }
	}
	if *full {
		run = func() error { return runFull(*url) }
	}
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "exportbench:", err)
		pprof.StopCPUProfile()
		os.Exit(1)
	}
}

// discard is a compress.Sink that counts the compressed bytes on their
// way to io.Discard.
type discard struct{ iocount.Writer }

func newDiscard() *discard { return &discard{iocount.Writer{W: io.Discard}} }

func (*discard) Cut() error { return nil }

// runBatches exports every tenant in batches of size, lanes at a time.
func runBatches(url string, size, lanes int, tc tenancy.Config) error {
	ctx := context.Background()
	ids, err := tenancy.TenantIDs(ctx, url, tc)
	if err != nil {
		return err
	}
	cfg := export.Config{Source: source.Config{URL: url}, Tenancy: tc, Parallelism: 2, ToolVersion: "bench",
		Limiter: source.NewLimiter(4)}
	start := time.Now()
	var (
		mu          sync.Mutex
		plain, comp int64
		first       error
		wg          sync.WaitGroup
	)
	sem := make(chan struct{}, lanes)
	for lo := 0; lo < len(ids); lo += size {
		group := ids[lo:min(lo+size, len(ids))]
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			sinks := make([]*discard, len(group))
			zws := make([]*compress.Writer, len(group))
			members := make([]export.Member, len(group))
			for i, id := range group {
				sinks[i] = newDiscard()
				zw, err := compress.NewWriter(sinks[i], 16<<20, benchLevel, compress.LowMemory...)
				if err != nil {
					panic(err)
				}
				zws[i] = zw
				members[i] = export.Member{TenantID: id, W: zw}
			}
			res := export.Batch(ctx, cfg, members)
			mu.Lock()
			defer mu.Unlock()
			for i, r := range res {
				if err := zws[i].Close(); r.Err == nil {
					r.Err = err
				}
				if r.Err != nil && first == nil {
					first = r.Err
				}
				for _, f := range r.Manifest.Files {
					plain += f.Size
				}
				comp += sinks[i].N
			}
		})
	}
	wg.Wait()
	if first != nil {
		return first
	}
	d := time.Since(start)
	fmt.Printf("tenants=%d batch=%d lanes=%d plain=%d compressed=%d seconds=%.2f\n", len(ids), size, lanes, plain, comp, d.Seconds())
	return nil
}

// benchLevel is the zstd level every export here is compressed at (-level).
var benchLevel = zstd.SpeedFastest

// runFull dumps the whole source as the exporter stage's full export
// does, compressed at its level, to io.Discard.
func runFull(url string) error {
	sink := newDiscard()
	zw, err := compress.NewWriter(sink, 16<<20, benchLevel)
	if err != nil {
		return err
	}
	start := time.Now()
	if _, err := fulldump.Run(context.Background(), fulldump.Config{Source: source.Config{URL: url}}, zw); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	fmt.Printf("full compressed=%d seconds=%.2f\n", sink.N, time.Since(start).Seconds())
	return nil
}

func run(url, tenant string, parallel int, tc tenancy.Config) error {
	cfg := export.Config{Source: source.Config{URL: url}, Tenancy: tc, Parallelism: parallel, ToolVersion: "bench"}
	c := &iocount.Writer{W: io.Discard} // the bytes on their way to io.Discard
	start := time.Now()
	m, err := export.Tenant(context.Background(), cfg, tenant, c)
	if err != nil {
		return err
	}
	d := time.Since(start)
	var rows int64
	for _, t := range m.Tables {
		rows += t.Rows
	}
	fmt.Printf("bytes=%d rows=%d seconds=%.2f MBps=%.1f\n", c.N, rows, d.Seconds(), float64(c.N)/1e6/d.Seconds())
	return nil
}

// runWarm exports tenant n times as the stage does after its first export
// (cache and sessions kept, compressed in parts) and prints each warm
// export's time.
func runWarm(url, tenant string, parallel, n int, tc tenancy.Config) error {
	cfg := export.Config{Source: source.Config{URL: url}, Tenancy: tc, Parallelism: parallel, ToolVersion: "bench",
		Cache: export.NewCache(), Sessions: source.NewSessions(1+parallel, time.Minute)}
	for i := range n {
		sink := newDiscard()
		zw, err := compress.NewWriter(sink, 16<<20, benchLevel)
		if err != nil {
			return err
		}
		start := time.Now()
		if _, err := export.Tenant(context.Background(), cfg, tenant, zw); err != nil {
			return err
		}
		if err := zw.Close(); err != nil {
			return err
		}
		if i > 0 {
			fmt.Printf("warm export %d: compressed=%d seconds=%.3f\n", i, sink.N, time.Since(start).Seconds())
		}
	}
	st := cfg.Cache.Stats()
	fmt.Printf("cache hits=%d misses=%d\n", st.Hits, st.Misses)
	return nil
}
