package export_test

import (
	"archive/tar"
	"bytes"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/archive"
	"github.com/arcabackup/arca/pkg/tenancy"
	"github.com/arcabackup/arca/pkg/teststack"
	"github.com/arcabackup/arca/services/exporter/internal/export"
	"github.com/arcabackup/arca/services/exporter/internal/source"
)

// splitSchema: tables with and without an index on the tenant column, rows
// of several tenants interleaved block by block, HOT-updated rows (a live
// version at another line pointer than its chain's root, so that a bitmap
// scan returns a block's rows in another order than a scan of the block),
// rows moved to other blocks by updates, dead tuples (autovacuum off), a
// tenant whose rows sit in a few blocks at the end, a reference table and
// a foreign-key chain (fk-owned rows).
const splitSchema = `
CREATE TABLE public.tenants (id text PRIMARY KEY);
INSERT INTO public.tenants SELECT 't' || g FROM generate_series(0, 9) g;
INSERT INTO public.tenants VALUES ('few'), ('none');
CREATE TABLE public.kinds (id int PRIMARY KEY, label text NOT NULL);
INSERT INTO public.kinds SELECT g, 'kind ' || g FROM generate_series(1, 5) g;
CREATE TABLE public.indexed (
  id int PRIMARY KEY, tenant_id text NOT NULL REFERENCES public.tenants(id),
  kind_id int REFERENCES public.kinds(id), n int NOT NULL, body text
) WITH (fillfactor = 50, autovacuum_enabled = off);
CREATE INDEX ON public.indexed (tenant_id);
CREATE TABLE public.plain (
  id int PRIMARY KEY, tenant_id text NOT NULL, n int NOT NULL, body text
) WITH (fillfactor = 50, autovacuum_enabled = off);
CREATE TABLE public.notes (
  id int PRIMARY KEY, plain_id int NOT NULL REFERENCES public.plain(id) ON DELETE CASCADE, body text
) WITH (autovacuum_enabled = off);
INSERT INTO public.indexed SELECT g, 't' || (g % 10), 1 + g % 5, g, repeat(md5(g::text), 2 + g % 4) FROM generate_series(1, 12000) g;
INSERT INTO public.plain SELECT g, 't' || (g % 10), g, repeat(md5(g::text), 2 + g % 4) FROM generate_series(1, 12000) g;
INSERT INTO public.notes SELECT g, 1 + (g * 7) % 12000, 'note "' || g || '", with a comma' FROM generate_series(1, 3000) g;
-- HOT updates: the same block, a new line pointer; done twice for some.
UPDATE public.indexed SET n = n + 1 WHERE id % 7 = 0;
UPDATE public.indexed SET n = n + 1 WHERE id % 21 = 0;
UPDATE public.plain SET n = n + 1 WHERE id % 7 = 0;
-- Updates that no longer fit their block move the row.
UPDATE public.indexed SET body = repeat('x', 3000) WHERE id % 97 = 0;
UPDATE public.plain SET body = repeat('y', 3000) WHERE id % 97 = 0;
-- Dead tuples.
DELETE FROM public.notes WHERE id % 11 = 0;
DELETE FROM public.indexed WHERE id % 13 = 0;
DELETE FROM public.plain WHERE id % 13 = 0;
-- A tenant in the last few blocks.
INSERT INTO public.indexed SELECT 20000 + g, 'few', NULL, g, 'few ' || g FROM generate_series(1, 60) g;
INSERT INTO public.plain SELECT 20000 + g, 'few', g, 'few ' || g FROM generate_series(1, 60) g;
UPDATE public.indexed SET n = -n WHERE tenant_id = 'few' AND n % 3 = 0;
ANALYZE;
`

// TestSplitCopyIsTheSingleCopyByteForByte exports tenants with the split
// off and on (every candidate table split over 2 and 3 sessions), under the
// planner's own choice and with its scans restricted (so that both the
// bitmap and the sequential plans, and the tables it never splits, are
// covered), and requires every archive entry but the manifest to be the
// same bytes under the same name: header once, rows in the same order, the
// same chunks.
func TestSplitCopyIsTheSingleCopyByteForByte(t *testing.T) {
	t.Parallel()
	db := teststack.NewDatabase(t)
	ctx := t.Context()
	_, err := db.Pool.Exec(ctx, splitSchema)
	require.NoError(t, err)
	dir, err := teststack.PGBinDir(ctx)
	require.NoError(t, err)

	// The data has the trap: under a bitmap scan some block returns its
	// rows in another order than its line pointers'.
	var byBitmap, byCTID []int
	conn, err := db.Pool.Acquire(ctx)
	require.NoError(t, err)
	tx, err := conn.Begin(ctx)
	require.NoError(t, err)
	_, err = tx.Exec(ctx, "SET LOCAL enable_seqscan = off; SET LOCAL enable_indexscan = off; SET LOCAL enable_tidscan = off")
	require.NoError(t, err)
	rows, _ := tx.Query(ctx, "SELECT id FROM public.indexed WHERE tenant_id = 't3'")
	byBitmap, err = pgx.CollectRows(rows, pgx.RowTo[int])
	require.NoError(t, err)
	rows, _ = tx.Query(ctx, "SELECT id FROM public.indexed WHERE tenant_id = 't3' ORDER BY ctid")
	byCTID, err = pgx.CollectRows(rows, pgx.RowTo[int])
	require.NoError(t, err)
	require.NoError(t, tx.Rollback(ctx))
	conn.Release()
	require.ElementsMatch(t, byCTID, byBitmap)
	require.NotEqual(t, byCTID, byBitmap, "no HOT row out of its block's line-pointer order: the test would not see a split that reorders")

	var mu sync.Mutex
	scans := map[string]int{} // "file scan" -> splits seen
	cfg := export.Config{
		Source: source.Config{URL: db.URL, StatementTimeout: time.Minute, LockTimeout: 10 * time.Second},
		Tenancy: tenancy.Config{
			TenantTable:   tenancy.TenantTable{Table: "public.tenants", Key: "id"},
			TenantColumns: []string{"tenant_id"},
		},
		PGBinDir:    dir,
		ToolVersion: "test",
		SplitBytes:  1,
		OnSplit: func(file string, ranges int, scan string) {
			mu.Lock()
			defer mu.Unlock()
			scans[file+" "+scan]++
		},
	}
	planner := []struct{ name, set string }{
		{"planner's choice", "RESET enable_indexscan; RESET enable_bitmapscan"},
		{"no index scans", "SET enable_indexscan = off"},
		{"sequential scans", "SET enable_indexscan = off; SET enable_bitmapscan = off"},
	}
	for _, p := range planner {
		for _, stmt := range strings.Split(p.set, "; ") {
			_, err := db.Pool.Exec(ctx, "ALTER DATABASE "+pgx.Identifier{db.Name}.Sanitize()+" "+stmt)
			require.NoError(t, err)
		}
		for _, tenant := range []string{"t3", "few", "none"} {
			for _, par := range []int{2, 3} {
				what := fmt.Sprintf("%s, tenant %s, %d sessions", p.name, tenant, par)
				c := cfg
				c.Parallelism = par
				// Ranges end inside chunks; above 64 KiB a chunk's buffer
				// grows to the chunk size, below it starts there.
				c.ChunkSize = map[int]int{2: 4096, 3: 70_000}[par]
				c.SplitPages = -1
				whole := splitExport(t, c, tenant)
				c.SplitPages = 1
				split := splitExport(t, c, tenant)
				// A range after the first holds one chunk at most: its
				// COPY waits for the writer, and nothing deadlocks.
				c.SplitSpool = 1
				spooled := splitExport(t, c, tenant)
				require.Equal(t, whole, split, what)
				require.Equal(t, whole, spooled, what+", a range holding one chunk")
			}
		}
	}
	t.Logf("splits: %v", scans)
	var indexed, plain string
	for k := range scans {
		switch f, _, _ := strings.Cut(k, " "); {
		case strings.HasSuffix(f, "public.indexed.csv"):
			indexed = f
		case strings.HasSuffix(f, "public.plain.csv"):
			plain = f
		}
	}
	require.Positive(t, scans[indexed+" Bitmap Heap Scan"], "the indexed table split under a bitmap scan: %v", scans)
	require.Positive(t, scans[indexed+" Seq Scan"], "the indexed table split under a sequential scan: %v", scans)
	require.Positive(t, scans[plain+" Seq Scan"], "the table without an index split: %v", scans)
	for k := range scans {
		require.False(t, strings.Contains(k, "notes") || strings.Contains(k, "kinds"),
			"a foreign-key closure or reference table is copied whole: %s", k)
	}
}

// splitEntry is one tar entry of an archive.
type splitEntry struct {
	Name string
	Body []byte
}

// splitExport exports tenant and returns every chunk entry of its tables
// (name and bytes), with the manifest's tables and its files' facts.
func splitExport(t *testing.T, cfg export.Config, tenant string) []any {
	t.Helper()
	var buf bytes.Buffer
	m, err := export.Tenant(t.Context(), cfg, tenant, &buf)
	require.NoError(t, err)
	read(t, m, buf.Bytes()) // verified against its manifest
	for _, f := range m.Files {
		if strings.HasSuffix(f.Name, "public.indexed.csv") && tenant == "t3" {
			require.Greater(t, f.Chunks, 2, "%s spans chunks", f.Name)
		}
	}
	var entries []splitEntry
	tr := tar.NewReader(&buf)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
		if !strings.HasPrefix(h.Name, "data/") {
			continue // the manifest, and pg_dump's sections (a random key in each)
		}
		b, err := io.ReadAll(tr)
		require.NoError(t, err)
		entries = append(entries, splitEntry{h.Name, b})
	}
	require.True(t, slices.ContainsFunc(m.Tables, func(tab archive.Table) bool { return tab.Name == "notes" && tab.Rows > 0 }) || tenant != "t3",
		"the foreign-key chain has rows")
	var files []archive.File
	for _, f := range m.Files {
		if f.CSV {
			files = append(files, f)
		}
	}
	require.NotEmpty(t, entries)
	return []any{m.Tables, files, entries}
}
