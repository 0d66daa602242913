// Command exportbench exports one tenant to io.Discard and prints the
// throughput, for docs/benchmarks.md. Measure its peak RSS with
// /usr/bin/time -v. It is a benchmark harness, not a service.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/arcabackup/arca/pkg/iocount"
	"github.com/arcabackup/arca/pkg/tenancy"
	"github.com/arcabackup/arca/services/exporter/internal/export"
	"github.com/arcabackup/arca/services/exporter/internal/source"
)

func main() {
	url := flag.String("url", "", "source database URL")
	tenant := flag.String("tenant", "", "tenant id")
	parallel := flag.Int("parallel", 2, "COPY sessions")
	table := flag.String("tenant-table", "", "tenancy tenant_table (schema.table), e.g. public.tenants of make bench-compare's database")
	key := flag.String("tenant-key", "id", "tenancy tenant_table key")
	column := flag.String("tenant-column", "", "tenancy tenant_columns (one), e.g. tenantId")
	flag.Parse()
	var tc tenancy.Config
	if *table != "" {
		tc.TenantTable = tenancy.TenantTable{Table: *table, Key: *key}
	}
	if *column != "" {
		tc.TenantColumns = []string{*column}
	}
	if err := run(*url, *tenant, *parallel, tc); err != nil {
		fmt.Fprintln(os.Stderr, "exportbench:", err)
		os.Exit(1)
	}
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
