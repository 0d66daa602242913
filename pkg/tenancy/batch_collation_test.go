package tenancy_test

import (
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/tenancy"
	"github.com/arcabackup/arca/pkg/teststack"
)

// The prefilter of the reference closure (sameTenantKeys) where its
// proof needs "=" on the key to be the unique index's equality.
var collationConfig = tenancy.Config{TenantTable: tenancy.TenantTable{Table: "public.tenants", Key: "id"}, TenantColumns: []string{"tenantId"}}

func collationDB(t *testing.T, sql string) *teststack.Database {
	t.Helper()
	db := teststack.NewDatabase(t)
	_, err := db.Pool.Exec(t.Context(), sql+"\nANALYZE;", pgx.QueryExecModeSimpleProtocol)
	require.NoError(t, err)
	return db
}

// Where "=" on the key is looser than the parent's unique index, the key's
// match may be another tenant's row as well as the tenant's own: there the
// prefilter must not apply, and each tenant keeps the row its foreign key
// points at (found by review; each case failed before).
func TestPrefilterKeepsKeysWhoseEqualityIsLooserThanTheUniqueIndex(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name    string
		schema  string
		batches [][]string
		rounds  int
	}{{
		// The parent's key column case-insensitive, its unique index in
		// "C": the index allows 'ABC' (a's) and 'abc' (b's), the key's
		// "=" matches both, a's child 'abc' finds a's own 'ABC'.
		name: "a case-insensitive key with a unique index in C", schema: `
CREATE COLLATION ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
CREATE TABLE public.tenants (id text PRIMARY KEY);
INSERT INTO public.tenants VALUES ('a'), ('b'), ('c');
CREATE TABLE public.p (id int PRIMARY KEY, code text COLLATE ci NOT NULL, "tenantId" text NOT NULL REFERENCES public.tenants);
CREATE UNIQUE INDEX p_code_c ON public.p (code COLLATE "C");
INSERT INTO public.p VALUES (1, 'ABC', 'a'), (2, 'abc', 'b'), (3, 'Xyz', 'c');
CREATE TABLE public.c (id int PRIMARY KEY, "tenantId" text NOT NULL REFERENCES public.tenants, code text COLLATE ci REFERENCES public.p (code));
INSERT INTO public.c VALUES (1, 'a', 'abc'), (2, 'c', 'xyz');
`,
		batches: [][]string{{"a"}, {"a", "b"}, {"b", "c", "a"}}, rounds: 4,
	}, {
		// A citext key referencing a text key: the foreign key compares
		// as citext, case-insensitively, where the parent's unique index
		// tells 'ABC' from 'abc'.
		name: "a citext key to a text key", schema: `
CREATE EXTENSION IF NOT EXISTS citext;
CREATE TABLE public.tenants (id text PRIMARY KEY);
INSERT INTO public.tenants VALUES ('a'), ('b');
CREATE TABLE public.p (id int PRIMARY KEY, code text UNIQUE NOT NULL, "tenantId" text NOT NULL REFERENCES public.tenants);
INSERT INTO public.p VALUES (1, 'ABC', 'a'), (2, 'abc', 'b');
CREATE TABLE public.c (id int PRIMARY KEY, "tenantId" text NOT NULL REFERENCES public.tenants, code citext REFERENCES public.p (code));
INSERT INTO public.c VALUES (1, 'a', 'abc');
`,
		batches: [][]string{{"a"}, {"a", "b"}}, rounds: 2,
	}, {
		// A citext key whose unique index uses text_ops (text's default
		// class, not citext's): the index and the foreign key's check
		// tell 'ABC' from 'abc', the closure's citext "=" does not.
		name: "a citext key indexed with text_ops", schema: `
CREATE EXTENSION IF NOT EXISTS citext;
CREATE TABLE public.tenants (id text PRIMARY KEY);
INSERT INTO public.tenants VALUES ('a'), ('b');
CREATE TABLE public.p (id int PRIMARY KEY, code citext NOT NULL, "tenantId" text NOT NULL REFERENCES public.tenants);
CREATE UNIQUE INDEX p_code_text ON public.p (code text_ops);
INSERT INTO public.p VALUES (1, 'ABC', 'a'), (2, 'abc', 'b');
CREATE TABLE public.c (id int PRIMARY KEY, "tenantId" text NOT NULL REFERENCES public.tenants, code citext REFERENCES public.p (code));
INSERT INTO public.c VALUES (1, 'a', 'abc');
`,
		batches: [][]string{{"a"}, {"a", "b"}}, rounds: 2,
	}} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			db := collationDB(t, c.schema)
			require.Zero(t, prefiltersOf(t, db, "a"), "no prefilter where '=' is looser than the unique index")
			checkBatchesOf(t, db, collationConfig, c.batches, c.rounds)
		})
	}
}

// No index trick: the child's key column is case-insensitive, the parent's
// the database default. PostgreSQL lets the foreign key be (its check uses
// the parent's collation: 'abc' references b's 'abc'), but the closure's
// "=" takes the child's nondeterministic collation (a non-default implicit
// collation wins over the default), so a's 'abc' matches a's 'ABC' too, the
// prefilter drops it, and the very row the foreign key points at, b's
// 'abc', is missing from a's archive.
func TestPrefilterKeepsKeysOfANondeterministicChildCollation(t *testing.T) {
	t.Parallel()
	db := collationDB(t, `
CREATE COLLATION ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
CREATE TABLE public.tenants (id text PRIMARY KEY);
INSERT INTO public.tenants VALUES ('a'), ('b');
CREATE TABLE public.p (id int PRIMARY KEY, code text UNIQUE NOT NULL, "tenantId" text NOT NULL REFERENCES public.tenants);
INSERT INTO public.p VALUES (1, 'ABC', 'a'), (2, 'abc', 'b');
CREATE TABLE public.c (id int PRIMARY KEY, "tenantId" text NOT NULL REFERENCES public.tenants, code text COLLATE ci REFERENCES public.p (code));
INSERT INTO public.c VALUES (1, 'a', 'abc');
`)
	var target string
	require.NoError(t, db.Pool.QueryRow(t.Context(), `SELECT p."tenantId" FROM public.p WHERE p.code = 'abc' COLLATE "default"`).Scan(&target))
	require.Equal(t, "b", target) // what the foreign key's own check finds
	require.Zero(t, prefiltersOf(t, db, "a"))
	require.Contains(t, referencesOf(t, db, "a"), "p: 2", "the row a's foreign key points at")
	checkBatchesOf(t, db, collationConfig, [][]string{{"a"}, {"a", "b"}}, 2)
}

// Where the prefilter holds (review): tenant columns of a nondeterministic collation,
// citext, char(n), a domain, numeric; registry ids that are distinct as text
// but equal in the shared tables' tenant column; a self-referencing
// registry; chains of mentors leaving the tenant and coming back; a
// registry parent through a unique non-key column.
func TestPrefilterSoundCases(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"ci tenant column, registry ids differing in case": `
CREATE COLLATION ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
CREATE TABLE public.tenants (id text PRIMARY KEY);
INSERT INTO public.tenants VALUES ('a'), ('A'), ('b');
CREATE TABLE public.p (id int PRIMARY KEY, "tenantId" text COLLATE ci NOT NULL, up int REFERENCES public.p);
CREATE TABLE public.c (id int PRIMARY KEY, "tenantId" text COLLATE ci NOT NULL, p_id int REFERENCES public.p);
INSERT INTO public.p VALUES (1, 'A', NULL), (2, 'a', 1), (3, 'b', 2), (4, 'B', 3), (5, 'a', 4), (6, 'b', 5);
INSERT INTO public.c VALUES (1, 'a', 6), (2, 'A', 5), (3, 'b', 2), (4, 'B', 4), (5, 'b', 1);
`,
		"citext": `
CREATE EXTENSION citext;
CREATE TABLE public.tenants (id text PRIMARY KEY);
INSERT INTO public.tenants VALUES ('a'), ('A'), ('b');
CREATE TABLE public.p (id int PRIMARY KEY, "tenantId" citext NOT NULL, up int REFERENCES public.p);
CREATE TABLE public.c (id int PRIMARY KEY, "tenantId" citext NOT NULL, p_id int REFERENCES public.p);
INSERT INTO public.p VALUES (1, 'A', NULL), (2, 'a', 1), (3, 'b', 2), (4, 'B', 3), (5, 'a', 4), (6, 'b', 5);
INSERT INTO public.c VALUES (1, 'a', 6), (2, 'A', 5), (3, 'b', 2), (4, 'B', 4), (5, 'b', 1);
`,
		"char(n)": `
CREATE TABLE public.tenants (id text PRIMARY KEY);
INSERT INTO public.tenants VALUES ('a'), ('a '), ('b');
CREATE TABLE public.p (id int PRIMARY KEY, "tenantId" char(4) NOT NULL, up int REFERENCES public.p);
CREATE TABLE public.c (id int PRIMARY KEY, "tenantId" char(4) NOT NULL, p_id int REFERENCES public.p);
INSERT INTO public.p VALUES (1, 'a', NULL), (2, 'a  ', 1), (3, 'b', 2), (4, 'b', 3), (5, 'a', 4), (6, 'b', 5);
INSERT INTO public.c VALUES (1, 'a', 6), (2, 'a', 5), (3, 'b', 2), (4, 'b', 4), (5, 'b', 1);
`,
		"numeric and registry '1' vs '1.0'": `
CREATE TABLE public.tenants (id text PRIMARY KEY);
INSERT INTO public.tenants VALUES ('1'), ('1.0'), ('2');
CREATE TABLE public.p (id int PRIMARY KEY, "tenantId" numeric NOT NULL, up int REFERENCES public.p);
CREATE TABLE public.c (id int PRIMARY KEY, "tenantId" numeric NOT NULL, p_id int REFERENCES public.p);
INSERT INTO public.p VALUES (1, 1.00, NULL), (2, 1, 1), (3, 2, 2), (4, 2.0, 3), (5, 1, 4), (6, 2, 5);
INSERT INTO public.c VALUES (1, 1, 6), (2, 1.0, 5), (3, 2, 2), (4, 2, 4), (5, 2, 1);
`,
		"domain": `
CREATE DOMAIN tenant_ident AS text CHECK (VALUE <> '');
CREATE TABLE public.tenants (id tenant_ident PRIMARY KEY, parent tenant_ident REFERENCES public.tenants, home int);
INSERT INTO public.tenants VALUES ('a', NULL), ('b', 'a'), ('c', 'b');
CREATE TABLE public.p (id int PRIMARY KEY, "tenantId" tenant_ident NOT NULL REFERENCES public.tenants, up int REFERENCES public.p, slug text UNIQUE);
ALTER TABLE public.tenants ADD FOREIGN KEY (home) REFERENCES public.p;
CREATE TABLE public.c (id int PRIMARY KEY, "tenantId" tenant_ident NOT NULL REFERENCES public.tenants, p_id int REFERENCES public.p,
  other tenant_ident REFERENCES public.tenants, p_slug text REFERENCES public.p (slug));
INSERT INTO public.p VALUES (1, 'a', NULL, 's1'), (2, 'a', 1, 's2'), (3, 'b', 2, 's3'), (4, 'c', 3, 's4'), (5, 'a', 4, 's5'), (6, 'b', 5, 's6');
UPDATE public.tenants SET home = CASE id WHEN 'a' THEN 3 WHEN 'b' THEN 3 ELSE 5 END;
INSERT INTO public.c VALUES (1, 'a', 6, 'a', 's3'), (2, 'a', 5, 'c', 's1'), (3, 'b', 2, 'b', 's6'), (4, 'c', 4, 'a', 's4'), (5, 'b', 1, NULL, 's1');
`,
		"partitioned self-referencing parent": `
CREATE TABLE public.tenants (id text PRIMARY KEY);
INSERT INTO public.tenants VALUES ('a'), ('b'), ('c');
CREATE TABLE public.p (id int, "tenantId" text NOT NULL REFERENCES public.tenants, up int, up_t text, PRIMARY KEY (id, "tenantId"),
  FOREIGN KEY (up, up_t) REFERENCES public.p) PARTITION BY LIST ("tenantId");
CREATE TABLE public.p_a PARTITION OF public.p FOR VALUES IN ('a');
CREATE TABLE public.p_rest PARTITION OF public.p DEFAULT;
INSERT INTO public.p VALUES (1, 'a', NULL, NULL), (1, 'b', 1, 'a'), (2, 'a', 1, 'b'), (3, 'a', 2, 'a'), (2, 'c', 3, 'a'), (4, 'a', 2, 'c');
CREATE TABLE public.c (id int PRIMARY KEY, "tenantId" text NOT NULL REFERENCES public.tenants, p_id int, p_t text,
  FOREIGN KEY (p_id, p_t) REFERENCES public.p);
INSERT INTO public.c VALUES (1, 'a', 4, 'a'), (2, 'b', 3, 'a'), (3, 'c', 1, 'b'), (4, 'a', 1, 'a');
`,
	}
	for name, sql := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			db := collationDB(t, sql)
			require.NotZero(t, prefiltersOf(t, db, "b"), "the prefilter is in use")
			checkBatchesOf(t, db, collationConfig, nil, 12)
		})
	}
}

func prefiltersOf(t *testing.T, db *teststack.Database, id string) int {
	t.Helper()
	p, err := tenancy.Discover(t.Context(), db.Pool, collationConfig, tenancy.Tenant{ID: id})
	require.NoError(t, err)
	return strings.Count(p.BatchReferences, "AND NOT EXISTS (SELECT 1 FROM")
}

// referencesOf is the reference rows the batch closure finds for a batch of
// one, as "table: id" (every table here has an id column).
func referencesOf(t *testing.T, db *teststack.Database, id string) []string {
	t.Helper()
	ctx := t.Context()
	p, err := tenancy.Discover(ctx, db.Pool, collationConfig, tenancy.Tenant{ID: id})
	require.NoError(t, err)
	tx, err := db.Pool.Begin(ctx)
	require.NoError(t, err)
	defer func() { _ = tx.Rollback(ctx) }()
	found, err := tenancy.BindAndFindReferences(ctx, tx, []string{id}, p)
	require.NoError(t, err)
	var out []string
	k := 0
	for _, tab := range p.Tables {
		if tab.Role != tenancy.RoleReference {
			continue
		}
		for _, r := range found[k] {
			var v string
			require.NoError(t, tx.QueryRow(ctx, "SELECT id::text FROM "+tab.Identifier().Sanitize()+" WHERE tableoid = $1 AND ctid = $2::tid", r.TableOID, r.CTID).Scan(&v))
			out = append(out, tab.Name+": "+v)
		}
		k++
	}
	return out
}
