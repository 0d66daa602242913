package tenancy_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/tenancy"
	"github.com/arcabackup/arca/pkg/teststack"
)

// careNeighbours adds to careSchema the cases next to the reference
// closure's same-tenant prefilter (a child's key dropped before its
// DISTINCT when the parent row is its own home's). Resident r, bed r, room
// r and ward r belong to home 1 + r % 40; a home's own residents are
// (h - 1) + 40k.
//   - residents: a bed NULL now and then, chains of mentors in the same
//     home ending at another home's resident (the self-reference closure
//     starts from owned rows);
//   - visits: a composite key (resident, home) to residents, NULL in part
//     or whole; a partitioned parent (rooms); a parent with a legacy
//     inheritance child (wards: its annex rows, another home's, share the
//     parent's ids, and a query of wards reads them too);
//   - notes and tags: children whose tenant column is not the parent's
//     type (varchar) or collation ("C");
//   - record_marks: owned through records (the owner-parent keys);
//   - two homes' visits at one resident and one room of a third.
const careNeighbours = `
UPDATE public.residents SET bed_id = NULL WHERE id % 17 = 0;
UPDATE public.residents SET mentor_id = id + 40 WHERE id % 5 = 2 AND id <= 360;
UPDATE public.residents SET mentor_id = 1 + (id * 7) % 400 WHERE id % 5 = 2 AND id > 360;
ALTER TABLE public.residents ADD UNIQUE (id, "tenantId");
CREATE TABLE public.rooms (id int PRIMARY KEY, "tenantId" text NOT NULL REFERENCES public.tenants, label text NOT NULL)
  PARTITION BY RANGE (id);
CREATE TABLE public.rooms_low PARTITION OF public.rooms FOR VALUES FROM (1) TO (201);
CREATE TABLE public.rooms_high PARTITION OF public.rooms FOR VALUES FROM (201) TO (401);
INSERT INTO public.rooms SELECT i, 'x' || (1 + i % 40), 'room ' || i FROM generate_series(1, 400) i;
CREATE TABLE public.wards (id int PRIMARY KEY, "tenantId" text NOT NULL REFERENCES public.tenants, label text NOT NULL);
CREATE TABLE public.wards_annex (PRIMARY KEY (id)) INHERITS (public.wards);
INSERT INTO public.wards SELECT i, 'x' || (1 + i % 40), 'ward ' || i FROM generate_series(1, 40) i;
INSERT INTO public.wards_annex SELECT i, 'x' || (1 + (i + 1) % 40), 'annex ' || i FROM generate_series(1, 40, 3) i;
CREATE TABLE public.visits (id int PRIMARY KEY, "tenantId" text NOT NULL REFERENCES public.tenants,
  resident_id int, resident_home text, room_id int REFERENCES public.rooms, ward_id int REFERENCES public.wards,
  FOREIGN KEY (resident_id, resident_home) REFERENCES public.residents (id, "tenantId"));
INSERT INTO public.visits
SELECT i, 'x' || h,
  CASE WHEN i % 13 = 0 THEN NULL WHEN i % 11 = 0 OR i % 23 = 0 THEN f ELSE o END,
  CASE WHEN i % 23 = 0 THEN NULL WHEN i % 11 = 0 THEN 'x' || (1 + f % 40) ELSE 'x' || h END,
  CASE WHEN i % 5 = 0 THEN NULL WHEN i % 7 = 0 THEN f ELSE o END,
  CASE WHEN i % 6 = 0 THEN NULL WHEN h = 1 THEN 40 ELSE h - 1 END
FROM (SELECT i, 1 + i % 40 AS h, (i % 40) + 40 * (1 + i % 9) AS o, 1 + (i * 29) % 400 AS f
      FROM generate_series(1, 800) i) s;
INSERT INTO public.visits VALUES (10001, 'x2', 5, 'x6', 45, NULL), (10002, 'x3', 5, 'x6', 45, NULL);
CREATE TABLE public.notes (id int PRIMARY KEY, "tenantId" varchar(20) NOT NULL, resident_id int REFERENCES public.residents);
CREATE TABLE public.tags (id int PRIMARY KEY, "tenantId" text COLLATE "C" NOT NULL, resident_id int REFERENCES public.residents);
INSERT INTO public.notes SELECT i, 'x' || (1 + i % 40), CASE WHEN i % 9 = 0 THEN 1 + (i * 31) % 400 ELSE (i % 40) + 40 * (1 + i % 9) END
  FROM generate_series(1, 400) i;
INSERT INTO public.tags SELECT * FROM public.notes;
CREATE TABLE public.record_marks (id int PRIMARY KEY, record_id int NOT NULL REFERENCES public.records, resident_id int REFERENCES public.residents);
INSERT INTO public.record_marks SELECT n, n, CASE WHEN n % 4 = 0 THEN 1 + (n * 7) % 400 END FROM generate_series(1, 4200, 7) n;
`

// careNeighboursDatabase is careDatabase with careNeighbours.
func careNeighboursDatabase(t *testing.T, indexed bool) *teststack.Database {
	t.Helper()
	db := careDatabase(t, indexed)
	sql := careNeighbours
	if indexed {
		sql += `CREATE INDEX ON public.visits ("tenantId"); CREATE INDEX ON public.rooms ("tenantId");`
	}
	_, err := db.Pool.Exec(t.Context(), sql+"ANALYZE;", pgx.QueryExecModeSimpleProtocol)
	require.NoError(t, err)
	return db
}

// The prefilter's neighbours give each tenant exactly its own rows, in
// batches where two homes referencing one row are together, apart, or with
// the row's own home, and in random ones.
func TestBatchReferencesNextToTheSameTenantPrefilter(t *testing.T) {
	t.Parallel()
	all := make([]string, 40)
	for i := range all {
		all[i] = fmt.Sprintf("x%d", i+1)
	}
	given := [][]string{{"x2", "x3"}, {"x2"}, {"x3"}, {"x6", "x2", "x3"}, {"x3", "x9", "x2"}, all}
	for _, indexed := range []bool{true, false} {
		checkBatchesOf(t, careNeighboursDatabase(t, indexed), careConfig, given, 8)
	}
}

// keysRE matches the distinct keys a tenant-column child gives the
// reference closure: the key columns, the child, and the rest of its WHERE.
var keysRE = regexp.MustCompile(`SELECT DISTINCT ((?:x\."\w+", )+)x\."tenantId" AS arca_t FROM "public"\."(\w+)" AS x WHERE (.*?)\) AS k JOIN`)

// prefilterRE matches the prefilter in a child's WHERE, naming the parent.
var prefilterRE = regexp.MustCompile(`AND NOT EXISTS \(SELECT 1 FROM "public"\."(\w+)" AS r WHERE (.*)\)$`)

// The closure drops the keys of a child's rows whose parent row is the
// same tenant's where the tenant columns say so exactly, and nowhere else:
// not for a tenant column of another type or collation, a parent whose
// query reads inheritance children, a parent without a tenant column, or
// the keys an owned table's rows are selected by. PostgreSQL runs it as an
// anti join under the records' keys.
func TestSameTenantPrefilterWhereItHolds(t *testing.T) {
	t.Parallel()
	db := careNeighboursDatabase(t, true)
	ctx := t.Context()
	p, err := tenancy.Discover(ctx, db.Pool, careConfig, tenancy.Tenant{ID: "x2"})
	require.NoError(t, err)
	got := map[string]string{}
	for _, m := range keysRE.FindAllStringSubmatch(p.BatchReferences, -1) {
		key := m[2] + " (" + strings.TrimSuffix(m[1], ", ") + ")"
		f := prefilterRE.FindStringSubmatch(m[3])
		if f == nil {
			got[key] = ""
			continue
		}
		got[key] = f[1] + ": " + f[2]
	}
	require.Equal(t, map[string]string{
		`records (x."resident_id")`:                   `residents: r."id" = x."resident_id" AND r."tenantId" = x."tenantId"`,
		`records (x."day", x."slot")`:                 "", // shifts has no tenant column
		`records (x."id")`:                            "", // record_marks' owner keys
		`residents (x."bed_id")`:                      `beds: r."id" = x."bed_id" AND r."tenantId" = x."tenantId"`,
		`residents (x."mentor_id")`:                   `residents: r."id" = x."mentor_id" AND r."tenantId" = x."tenantId"`,
		`visits (x."resident_id", x."resident_home")`: `residents: r."id" = x."resident_id" AND r."tenantId" = x."resident_home" AND r."tenantId" = x."tenantId"`,
		`visits (x."room_id")`:                        `rooms: r."id" = x."room_id" AND r."tenantId" = x."tenantId"`,
		`visits (x."ward_id")`:                        "", // wards_annex inherits wards
		`notes (x."resident_id")`:                     "", // varchar
		`tags (x."resident_id")`:                      "", // collation "C"
	}, got)

	tx, err := db.Pool.Begin(ctx)
	require.NoError(t, err)
	defer func() { _ = tx.Rollback(ctx) }()
	require.NoError(t, tenancy.BindBatch(ctx, tx, []string{"x2", "x7", "x30"}))
	_, above := scansOf(t, tx, p.BatchReferences, "visits")
	require.Contains(t, fmt.Sprint(above), " Anti", "visits' scans under %v", above)
}
