package tenancy_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/tenancy"
	"github.com/arcabackup/arca/pkg/teststack"
)

// careSchema is a care home's tables, every one with a tenant column, as the
// bench's: records point at residents and residents at beds through plain
// keys, so that a record of one home may point at another home's resident
// (a reference row); a resident may have a mentor, another resident
// (self-reference), and a record names its shift by a composite key of a
// table without a tenant column. 40 homes, home x1 the largest.
const careSchema = `
CREATE TABLE public.tenants (id text PRIMARY KEY);
CREATE TABLE public.shifts (day int, slot int, label text NOT NULL, PRIMARY KEY (day, slot));
CREATE TABLE public.beds (id int PRIMARY KEY, "tenantId" text NOT NULL REFERENCES public.tenants, label text NOT NULL);
CREATE TABLE public.residents (id int PRIMARY KEY, "tenantId" text NOT NULL REFERENCES public.tenants,
  bed_id int REFERENCES public.beds, mentor_id int REFERENCES public.residents, name text NOT NULL);
CREATE TABLE public.records (id int PRIMARY KEY, "tenantId" text NOT NULL REFERENCES public.tenants,
  resident_id int NOT NULL REFERENCES public.residents, day int, slot int, note text NOT NULL,
  FOREIGN KEY (day, slot) REFERENCES public.shifts);
INSERT INTO public.tenants SELECT 'x' || i FROM generate_series(1, 40) i;
INSERT INTO public.shifts SELECT d, s, 'd' || d || 's' || s FROM generate_series(1, 30) d, generate_series(1, 3) s;
INSERT INTO public.beds SELECT i, 'x' || (1 + i % 40), 'bed ' || i FROM generate_series(1, 400) i;
INSERT INTO public.residents SELECT i, 'x' || (1 + i % 40), CASE WHEN i % 7 = 0 THEN 1 + (i * 3) % 400 ELSE i END,
  CASE WHEN i % 5 = 0 THEN 1 + (i * 11) % 400 END, 'resident ' || i FROM generate_series(1, 400) i;
-- Records in home order, as a home's rows come in; x1 has a quarter of them.
-- Every 97th record points at a resident of another home, two homes' records
-- at one resident (the reference row they share).
INSERT INTO public.records
SELECT n, 'x' || h, CASE WHEN n % 97 = 0 THEN 1 + (n * 13) % 400 ELSE h + 40 * (n % 10) END,
  CASE WHEN n % 3 = 0 THEN 1 + n % 30 END, 1 + n % 3, repeat('n', 80)
FROM (SELECT row_number() OVER (ORDER BY h, k)::int AS n, h
      FROM generate_series(1, 40) h, generate_series(1, 300) k WHERE k <= 100 OR h = 1) s;
`

var careConfig = tenancy.Config{TenantTable: tenancy.TenantTable{Table: "public.tenants", Key: "id"}, TenantColumns: []string{"tenantId"}}

// careDatabase is careSchema, its tenant columns indexed or not.
func careDatabase(t *testing.T, indexed bool) *teststack.Database {
	t.Helper()
	db := teststack.NewDatabase(t)
	sql := careSchema
	if indexed {
		sql += `CREATE INDEX ON public.beds ("tenantId"); CREATE INDEX ON public.residents ("tenantId");
CREATE INDEX ON public.records ("tenantId");`
	}
	_, err := db.Pool.Exec(t.Context(), sql+"ANALYZE;", pgx.QueryExecModeSimpleProtocol)
	require.NoError(t, err)
	return db
}

// Every batch gives each tenant exactly its own rows, reference rows
// included, whether the tenant columns are indexed (the batch selections
// filter them with = ANY) or not.
func TestBatchSelectionsWithAndWithoutTenantIndexes(t *testing.T) {
	t.Parallel()
	for _, indexed := range []bool{true, false} {
		checkBatches(t, careDatabase(t, indexed), careConfig, 10)
	}
}

// A batch reads an indexed tenant column's table through the index, in
// its COPY and in the reference closure: a scan of the whole table probing
// each row against the batch's ids costs as much for a batch of 3 homes as
// for all 40. An unindexed one is scanned and joined to the ids.
func TestBatchSelectionsReadIndexedTenantColumnsThroughTheIndex(t *testing.T) {
	t.Parallel()
	for _, indexed := range []bool{true, false} {
		db := careDatabase(t, indexed)
		ctx := t.Context()
		tx, err := db.Pool.Begin(ctx)
		require.NoError(t, err)
		defer func() { _ = tx.Rollback(ctx) }() // a failing require leaves it open
		p, err := tenancy.Discover(ctx, tx, careConfig, tenancy.Tenant{ID: "x2"})
		require.NoError(t, err)
		require.NotEmpty(t, p.BatchReferences)
		require.NoError(t, tenancy.BindBatch(ctx, tx, []string{"x2", "x7", "x30"}))
		var records string
		for _, tab := range p.Tables {
			if tab.Name == "records" {
				records = tab.BatchSelect
			}
		}
		require.NotEmpty(t, records)
		for what, sql := range map[string]string{"records' batch COPY": records, "reference closure": p.BatchReferences} {
			scans, above := scansOf(t, tx, sql, "records")
			if indexed {
				require.NotContains(t, scans, "Seq Scan", "%s: %v", what, scans)
				require.NotEmpty(t, scans, what)
			} else {
				require.Contains(t, scans, "Seq Scan", "%s", what)
			}
			if indexed && sql == p.BatchReferences {
				// The closure makes the records' keys distinct as they
				// are read, before numbering them by tenant: no join of
				// every record with the batch's ids (the anti join drops
				// the records pointing at their own home's residents).
				for _, a := range above {
					require.True(t, a == "Aggregate" || strings.HasSuffix(a, " Anti"), "%s: %v under %v", what, scans, above)
				}
			}
		}
	}
}

// scansOf is the node types of the plan of sql that read table, and the
// types of the nodes right above them, a join's followed by its join type
// ("Hash Join Anti").
func scansOf(t *testing.T, tx pgx.Tx, sql, table string) (scans, above []string) {
	t.Helper()
	var out []byte
	require.NoError(t, tx.QueryRow(t.Context(), "EXPLAIN (FORMAT JSON) "+sql).Scan(&out))
	var plan []struct{ Plan node }
	require.NoError(t, json.Unmarshal(out, &plan))
	var walk func(n, parent node)
	walk = func(n, parent node) {
		if n.Relation == table && strings.Contains(n.Type, "Scan") {
			scans = append(scans, n.Type)
			above = append(above, strings.TrimSpace(parent.Type+" "+parent.JoinType))
		}
		for _, c := range n.Plans {
			walk(c, n)
		}
	}
	walk(plan[0].Plan, node{})
	return scans, above
}

type node struct {
	Type     string `json:"Node Type"`
	Relation string `json:"Relation Name"`
	JoinType string `json:"Join Type"`
	Plans    []node `json:"Plans"`
}

// A partial index on the tenant column cannot read a tenant's rows: the
// batch selections join the ids without the = ANY filter, which would then
// compare every row of a sequential scan with each id, and the plan warns
// that the column has no index.
func TestAPartialTenantIndexIsNoIndex(t *testing.T) {
	t.Parallel()
	// None of these serves "tenantId" = ANY(ids): a partial index, one in
	// another collation than the column's, a BRIN index.
	for name, ddl := range map[string]string{
		"partial":   `CREATE INDEX ON public.records ("tenantId") WHERE day IS NOT NULL`,
		"collation": `CREATE INDEX ON public.records ("tenantId" COLLATE "C")`,
		"brin":      `CREATE INDEX ON public.records USING brin ("tenantId")`,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			db := careDatabase(t, false)
			ctx := t.Context()
			_, err := db.Pool.Exec(ctx, ddl+`; ANALYZE public.records`, pgx.QueryExecModeSimpleProtocol)
			require.NoError(t, err)
			p, err := tenancy.Discover(ctx, db.Pool, careConfig, tenancy.Tenant{ID: "x2"})
			require.NoError(t, err)
			for _, tab := range p.Tables {
				if tab.Name == "records" {
					require.NotContains(t, tab.BatchSelect, "= ANY")
				}
			}
			require.Contains(t, p.Warnings, `public.records: tenant column "tenantId" has no index: each tenant's export scans the whole table (a batch of tenants scans it once)`)
		})
	}
}
