package tenancy_test

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/tenancy"
	"github.com/arcabackup/arca/pkg/teststack"
)

// rowsOf runs sql and returns each row as canonical JSON, sorted, grouped
// by the batch position when batched (the position column removed).
func rowsOf(t *testing.T, tx pgx.Tx, sql string, batched bool) map[int][]string {
	t.Helper()
	q := "SELECT 0, to_jsonb(s)::text FROM (" + sql + ") AS s"
	if batched {
		q = "SELECT s." + tenancy.BatchColumn + ", (to_jsonb(s) - '" + tenancy.BatchColumn + "')::text FROM (" + sql + ") AS s"
	}
	rows, err := tx.Query(t.Context(), q)
	require.NoError(t, err)
	out := map[int][]string{}
	for rows.Next() {
		var i int
		var row string
		require.NoError(t, rows.Scan(&i, &row))
		out[i] = append(out[i], row)
	}
	require.NoError(t, rows.Err())
	for _, r := range out {
		slices.Sort(r)
	}
	return out
}

// checkBatches: for random batches of tenants (random members, random
// order), every table's batch selection gives each tenant whose plan has
// that selection exactly the rows its own selection gives, no more, no
// fewer, each as often.
func checkBatches(t *testing.T, db *teststack.Database, cfg tenancy.Config, rounds int) {
	t.Helper()
	checkBatchesOf(t, db, cfg, nil, rounds)
}

// checkBatchesOf is checkBatches over the given batches of tenant ids
// first, then rounds random ones.
func checkBatchesOf(t *testing.T, db *teststack.Database, cfg tenancy.Config, given [][]string, rounds int) {
	t.Helper()
	ctx := t.Context()
	tx, err := db.Pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead})
	require.NoError(t, err)
	defer func() { _ = tx.Rollback(ctx) }()
	_, err = tx.Exec(ctx, "SET LOCAL jit = off")
	require.NoError(t, err)
	tenants, err := tenancy.ListTenants(ctx, tx, cfg)
	require.NoError(t, err)
	plans := map[string]*tenancy.Plan{}
	for _, tn := range tenants {
		p, err := tenancy.Discover(ctx, tx, cfg, tn)
		require.NoError(t, err)
		plans[tn.ID] = p
	}
	// Each tenant's own rows, per table (schema.name role).
	single := map[string]map[string][]string{}
	for id, p := range plans {
		single[id] = map[string][]string{}
		require.NoError(t, tenancy.Bind(ctx, tx, id))
		for _, tab := range p.Tables {
			single[id][tab.Schema+"."+tab.Name+" "+string(tab.Role)] = rowsOf(t, tx, tab.SelectSQL(), false)[0]
		}
	}
	rng := rand.New(rand.NewPCG(uint64(len(tenants)), 17))
	checked := 0
	for round := 0; round < len(given)+rounds; round++ {
		var ids []string
		if round < len(given) {
			ids = given[round]
		} else {
			batch := slices.Clone(tenants)
			rng.Shuffle(len(batch), func(i, j int) { batch[i], batch[j] = batch[j], batch[i] })
			for _, tn := range batch[:1+rng.IntN(len(batch))] {
				ids = append(ids, tn.ID)
			}
		}
		require.NoError(t, tenancy.BindBatch(ctx, tx, ids))
		// Every table any member's plan batches, run once for the batch,
		// checked for each member whose plan has the same batch selection.
		done := map[string]bool{}
		for _, id := range ids {
			for _, tab := range plans[id].Tables {
				key := tab.Schema + "." + tab.Name + " " + string(tab.Role)
				if tab.BatchSelect == "" || done[tab.BatchSelect] {
					continue
				}
				done[tab.BatchSelect] = true
				got := rowsOf(t, tx, tab.BatchSelect, true)
				for i, other := range ids {
					has := false
					for _, o := range plans[other].Tables {
						has = has || o.BatchSelect == tab.BatchSelect
					}
					if !has {
						continue
					}
					require.Equal(t, single[other][key], got[i+1], "round %d, batch %v, tenant %s, table %s", round, ids, other, key)
					checked++
				}
				// Positions whose plan selects the table otherwise (a
				// tenant schema in its selection) are never batched with
				// it: the exporter groups tenants by identical plans.
			}
		}
		// Reference rows found for all reference tables in one statement,
		// then read back by row id, are the same rows.
		doneRefs := map[string]bool{}
		for _, id := range ids {
			p := plans[id]
			if p.BatchReferences == "" || doneRefs[p.BatchReferences] {
				continue
			}
			doneRefs[p.BatchReferences] = true
			rows, err := tx.Query(ctx, p.BatchReferences)
			require.NoError(t, err)
			found := map[int][]tenancy.BatchRow{}
			for rows.Next() {
				var k int
				var r tenancy.BatchRow
				require.NoError(t, rows.Scan(&k, &r.Tenant, &r.TableOID, &r.CTID))
				found[k] = append(found[k], r)
			}
			require.NoError(t, rows.Err())
			k := 0
			for _, tab := range p.Tables {
				if tab.Role != tenancy.RoleReference {
					continue
				}
				require.NoError(t, tenancy.BindBatchRows(ctx, tx, found[k]))
				k++
				got := rowsOf(t, tx, tab.BatchRowsSelect, true)
				key := tab.Schema + "." + tab.Name + " " + string(tab.Role)
				for i, other := range ids {
					if plans[other].BatchReferences != p.BatchReferences {
						continue
					}
					require.Equal(t, single[other][key], got[i+1], "round %d, batch %v, tenant %s, reference rows of %s", round, ids, other, key)
					checked++
				}
			}
		}
	}
	require.Positive(t, checked)
	t.Logf("%d tenants, %d (batch, tenant, table) selections compared", len(tenants), checked)
}

func TestBatchSelectionsGiveEachTenantItsOwnRows(t *testing.T) {
	t.Parallel()
	b := setup(t)
	checkBatches(t, b.db, testConfig, 12)
}

// The same over the 40-deep chain of tables owned through two parents,
// with more tenants sharing rows across the chain.
func TestBatchSelectionsOverLongForeignKeyChains(t *testing.T) {
	t.Parallel()
	db := teststack.NewDatabase(t)
	_, err := db.Pool.Exec(t.Context(), `
CREATE TABLE public.tenants (id text PRIMARY KEY);
CREATE TABLE public.t0 (id int PRIMARY KEY, "tenantId" text NOT NULL REFERENCES public.tenants);
CREATE TABLE public.t1 (id int PRIMARY KEY, a int NOT NULL REFERENCES public.t0);
INSERT INTO public.tenants SELECT 'x' || i FROM generate_series(1, 6) i;
INSERT INTO public.t0 SELECT i, 'x' || (1 + i % 6) FROM generate_series(1, 30) i;
INSERT INTO public.t1 SELECT i, 1 + (i * 7) % 30 FROM generate_series(1, 30) i;
DO $$ BEGIN FOR i IN 2..12 LOOP
  EXECUTE format('CREATE TABLE public.t%s (id int PRIMARY KEY, a int NOT NULL REFERENCES public.t%s, b int NOT NULL REFERENCES public.t%s, up int REFERENCES public.t%s)', i, i-1, i-2, i);
  EXECUTE format('INSERT INTO public.t%s SELECT j, 1 + (j * 7) %% 30, 1 + (j * 11) %% 30, NULL FROM generate_series(1, 30) j', i);
  EXECUTE format('UPDATE public.t%s SET up = 1 + (id * 13) %% 30 WHERE id %% 4 = 0', i);
END LOOP; END $$;
`, pgx.QueryExecModeSimpleProtocol)
	require.NoError(t, err)
	cfg := tenancy.Config{TenantTable: tenancy.TenantTable{Table: "public.tenants", Key: "id"}}
	checkBatches(t, db, cfg, 8)
}
