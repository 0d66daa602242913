package roundtrip_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/archive"
	"github.com/arcabackup/arca/pkg/restore"
	"github.com/arcabackup/arca/pkg/tenancy"
	"github.com/arcabackup/arca/pkg/teststack"
)

// corpus is one small schema per tenancy pattern (testdata/corpus), each
// with several tenants, and the tenancy configuration it needs.
var corpus = []struct {
	name    string
	tenancy tenancy.Config
}{
	{"column", tenancy.Config{TenantTable: tenancy.TenantTable{Table: "public.tenants", Key: "id"}}},
	{"schema", tenancy.Config{TenantTable: tenancy.TenantTable{Table: "public.tenants", Key: "id", SchemaColumn: "schema_name"}}},
	{"org", tenancy.Config{TenantTable: tenancy.TenantTable{Table: "public.Organization", Key: "id"}}},
	{"links", tenancy.Config{TenantTable: tenancy.TenantTable{Table: "public.tenants", Key: "id"}}},
	{"uuid", tenancy.Config{TenantTable: tenancy.TenantTable{Table: "public.accounts", Key: "id"}}}, // owned through composite foreign keys
}

// TestCorpusReplaceAndTargetAreExact is the property of a tenant restore,
// checked for every tenant of every fixture: back up, damage the tenant at
// random, restore --replace, and the whole database (every tenant's rows,
// shared rows, sequences) is byte-identical to before the backup; restore
// --target into a database holding only the schema, and the tenant's
// selections give the backup's fingerprints with every foreign key
// satisfied; a second --target restore is refused, not duplicated.
// ARCA_SEED replays a failing run.
func TestCorpusReplaceAndTargetAreExact(t *testing.T) {
	t.Parallel()
	seed := randomSeed(t)
	dir, err := teststack.PGBinDir(t.Context())
	require.NoError(t, err)
	for _, fx := range corpus {
		t.Run(fx.name, func(t *testing.T) {
			t.Parallel()
			sql, err := os.ReadFile("../../testdata/corpus/" + fx.name + ".sql")
			require.NoError(t, err)
			db := teststack.NewDatabase(t)
			runSQL(t, db, string(sql))
			kr, kek := newKeys(t)
			b := &bundle{db: db, keys: kr, kek: kek, cfg: exportConfig(db.URL, dir, 1<<20)}
			b.cfg.Tenancy = fx.tenancy
			tenants, err := tenancy.ListTenants(t.Context(), db.Pool, fx.tenancy)
			require.NoError(t, err)
			require.GreaterOrEqual(t, len(tenants), 3)
			rng := rand.New(rand.NewPCG(seed, uint64(len(fx.name))))
			for _, tn := range tenants {
				// Two rounds: random damage, then the tenant deleted first.
				for round := range 2 {
					before := everything(t, db.URL)
					s := b.backup(t, tn.ID, 1<<20)
					did := damage(t, db, s.am, fx.tenancy, rng, round == 1)
					t.Logf("tenant %s damage: %s", tn.ID, strings.Join(did, "; "))

					res, err := restore.Tenant(t.Context(), db.URL, s.open(), s.m, b.keys,
						restore.Options{Mode: restore.ModeReplace, Tenancy: fx.tenancy})
					require.NoError(t, err, "tenant %s after %v (seed %d)", tn.ID, did, seed)
					require.Equal(t, before, everything(t, db.URL), "tenant %s after %v (seed %d)", tn.ID, did, seed)
					require.Positive(t, res.Restored)
					if round == 0 {
						checkTarget(t, fx.tenancy, b, s)
					}
				}
			}
		})
	}
}

// checkTarget restores the backup into an empty database: the tenant's
// selections there give the backup's fingerprints, the archived tables have
// the source's column types, keys and indexes, every foreign key holds, the
// reference rows are accounted for, and a second restore is refused rather
// than duplicated.
func checkTarget(t *testing.T, cfg tenancy.Config, b *bundle, s sealed) {
	t.Helper()
	target := teststack.NewDatabase(t)
	opts := restore.Options{Mode: restore.ModeTarget, Tenancy: cfg}
	res, err := restore.Tenant(t.Context(), target.URL, s.open(), s.m, b.keys, opts)
	require.NoError(t, err, "tenant %s --target", s.am.Tenant.ID)
	require.Empty(t, res.Warnings)
	require.Equal(t, s.fp, selectionFingerprints(t, target.URL, s.am), "tenant %s --target", s.am.Tenant.ID)
	require.Equal(t, definitions(t, b.db, s.am), definitions(t, target, s.am), "tenant %s --target", s.am.Tenant.ID)
	requireForeignKeysHold(t, target)
	var refs, own int64
	for _, tab := range s.am.Tables {
		if tab.Role == string(tenancy.RoleReference) {
			refs += tab.Rows
		} else {
			own += tab.Rows
		}
	}
	require.Equal(t, refs, res.ReferenceInserted+res.ReferencePresent)
	require.Equal(t, own, res.Restored)
	_, err = restore.Tenant(t.Context(), target.URL, s.open(), s.m, b.keys, opts)
	require.Error(t, err, "a second --target restore of tenant %s is refused", s.am.Tenant.ID)
}

// damage changes the tenant at random, in one transaction: deletes,
// updates and inserts of its rows, a dropped table of its schema, its
// registry row deleted first (with whatever that cascades). An operation
// the schema refuses is skipped.
func damage(t *testing.T, db *teststack.Database, am archive.Manifest, cfg tenancy.Config, rng *rand.Rand, tenantFirst bool) []string {
	t.Helper()
	ctx := t.Context()
	tx, err := db.Pool.Begin(ctx)
	require.NoError(t, err)
	defer func() { _ = tx.Rollback(ctx) }()
	require.NoError(t, tenancy.Bind(ctx, tx, am.Tenant.ID))
	_, err = tx.Exec(ctx, "SET LOCAL jit = off")
	require.NoError(t, err)
	// A row made since the backup that another tenant also owns is kept by
	// the restore (never lost): inserts copy only rows of this tenant alone.
	plan, err := tenancy.Discover(ctx, tx, cfg, tenancy.Tenant{ID: am.Tenant.ID, Schema: am.Tenant.Schema})
	require.NoError(t, err)
	alone := map[string]string{}
	for _, tab := range plan.Tables {
		if tab.AlsoOwned != "" {
			alone[tab.Schema+"."+tab.Name] = " AND (" + tab.AlsoOwned + ") IS NOT TRUE"
		}
	}
	var owned []archive.Table
	for _, tab := range am.Tables {
		if tab.Role != string(tenancy.RoleReference) && tab.Rows > 0 {
			owned = append(owned, tab)
		}
	}
	var did []string
	inserted := false // a row was inserted since the backup
	for i := range 4 {
		tab := owned[rng.IntN(len(owned))]
		ident := pgx.Identifier{tab.Schema, tab.Name}.Sanitize()
		pick := fmt.Sprintf("(tableoid, ctid) = (SELECT tableoid, ctid FROM %s AS t WHERE %s ORDER BY ROW(t.*)::text LIMIT 1 OFFSET %d)",
			ident, tab.Selection, rng.IntN(int(tab.Rows)))
		var op, sql string
		sp, err := tx.Begin(ctx) // an operation the schema refuses is undone alone
		require.NoError(t, err)
		// The tenant is never deleted after an insert: a row inserted after
		// the backup and then orphaned (SET NULL) by the tenant's deletion
		// is indistinguishable from a row no tenant owns, and stays.
		k := rng.IntN(9)
		if tenantFirst && i == 0 {
			k = 9
		}
		switch {
		case k < 3 && tab.Role == string(tenancy.RoleTenantRow) && inserted:
			// Deleting the registry row is deleting the tenant: not after
			// an insert (below).
		case k < 3:
			op, sql = "delete "+ident, "DELETE FROM "+ident+" WHERE "+pick
		case k < 6:
			if set := updatable(sp, tab); set != "" {
				op, sql = "update "+ident, "UPDATE "+ident+" SET "+set+" WHERE "+pick
			}
		case k < 8 && tab.Role != string(tenancy.RoleTenantRow): // a copied registry row is another tenant
			only := fmt.Sprintf("(tableoid, ctid) = (SELECT tableoid, ctid FROM %s AS t WHERE %s%s ORDER BY ROW(t.*)::text LIMIT 1 OFFSET %d)",
				ident, tab.Selection, alone[tab.Schema+"."+tab.Name], rng.IntN(int(tab.Rows)))
			op, sql = "insert "+ident, insertCopy(sp, tab, only)
		case k < 9 && tab.Role == string(tenancy.RoleSchemaTable):
			op, sql = "drop "+ident, "DROP TABLE "+ident+" CASCADE"
		case k < 9 && inserted:
			// Deleting the tenant after an insert would orphan the new row
			// (above): the case the property cannot hold for.
		default:
			s, n, _ := strings.Cut(cfg.TenantTable.Table, ".")
			op = "delete tenant"
			sql = "DELETE FROM " + pgx.Identifier{s, n}.Sanitize() + " WHERE " + pgx.Identifier{cfg.TenantTable.Key}.Sanitize() + " = current_setting('arca.tenant_id')"
		}
		if sql == "" {
			require.NoError(t, sp.Rollback(ctx))
			continue
		}
		tag, err := sp.Exec(ctx, sql)
		if err != nil {
			require.NoError(t, sp.Rollback(ctx))
			did = append(did, op+" refused")
			continue
		}
		require.NoError(t, sp.Commit(ctx))
		inserted = inserted || strings.HasPrefix(op, "insert ")
		did = append(did, fmt.Sprintf("%s (%d)", op, tag.RowsAffected()))
	}
	require.NoError(t, tx.Commit(ctx))
	return did
}

// updatable is a SET list changing the columns of tab that no key or
// constraint involves.
func updatable(tx pgx.Tx, tab archive.Table) string {
	rows, err := tx.Query(context.Background(), `SELECT a.attname::text, format_type(a.atttypid, a.atttypmod) FROM pg_attribute a
		WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = '' AND a.attidentity = ''
		AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conrelid = a.attrelid AND a.attnum = ANY (c.conkey))
		AND NOT EXISTS (SELECT 1 FROM pg_partitioned_table p WHERE p.partrelid = a.attrelid AND a.attnum = ANY (p.partattrs))
		ORDER BY a.attnum`, pgx.Identifier{tab.Schema, tab.Name}.Sanitize())
	if err != nil {
		return ""
	}
	defer rows.Close()
	var set []string
	for rows.Next() {
		var name, typ string
		if rows.Scan(&name, &typ) != nil {
			return ""
		}
		v := map[string]string{"text": "'damaged'", "jsonb": `'{"damaged": true}'`, "numeric": "-99", "numeric(12,2)": "-99"}[typ]
		if v != "" {
			set = append(set, pgx.Identifier{name}.Sanitize()+" = "+v)
		}
	}
	if rows.Err() != nil {
		return ""
	}
	return strings.Join(set, ", ")
}

// insertCopy copies the picked row under a new primary key (integer or
// text keys of one column).
func insertCopy(tx pgx.Tx, tab archive.Table, pick string) string {
	ident := pgx.Identifier{tab.Schema, tab.Name}.Sanitize()
	var pk []string
	var typ string
	err := tx.QueryRow(context.Background(), `SELECT array_agg(a.attname::text), min(format_type(a.atttypid, a.atttypmod)) FROM pg_index i
		JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
		WHERE i.indrelid = $1::regclass AND i.indisprimary`, ident).Scan(&pk, &typ)
	if err != nil || len(pk) != 1 {
		return ""
	}
	var cols, vals []string
	for _, c := range tab.Columns {
		q := pgx.Identifier{c.Name}.Sanitize()
		cols = append(cols, q)
		switch {
		case c.Name != pk[0]:
			vals = append(vals, "t."+q)
		case typ == "text":
			vals = append(vals, "t."+q+" || '-dmg'")
		default:
			vals = append(vals, "t."+q+" + 100000")
		}
	}
	return "INSERT INTO " + ident + " (" + strings.Join(cols, ", ") + ") OVERRIDING SYSTEM VALUE SELECT " + strings.Join(vals, ", ") +
		" FROM " + ident + " AS t WHERE " + strings.ReplaceAll(pick, "(tableoid, ctid)", "(t.tableoid, t.ctid)")
}

// definitions describes the archived tables: column types, defaults and
// NOT NULL, constraints and indexes.
func definitions(t *testing.T, db *teststack.Database, am archive.Manifest) []string {
	t.Helper()
	var names []string
	for _, tab := range am.Tables {
		names = append(names, pgx.Identifier{tab.Schema, tab.Name}.Sanitize())
	}
	rows, err := db.Pool.Query(t.Context(), `SELECT c.oid::regclass::text || ' ' || d FROM pg_class c, LATERAL (
		SELECT a.attname || ' ' || format_type(a.atttypid, a.atttypmod) || ' ' || a.attnotnull || ' ' ||
		  coalesce(pg_get_expr(ad.adbin, ad.adrelid), '') || a.attidentity::text || a.attgenerated::text
		FROM pg_attribute a LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
		WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
		UNION ALL SELECT conname || ' ' || pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = c.oid
		UNION ALL SELECT pg_get_indexdef(indexrelid) FROM pg_index WHERE indrelid = c.oid) x(d)
		WHERE c.oid = ANY ($1::regclass[]) ORDER BY 1`, names)
	require.NoError(t, err)
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	require.NoError(t, err)
	return out
}

// requireForeignKeysHold checks every foreign key of the database over its
// rows (restores load shared rows with triggers off).
func requireForeignKeysHold(t *testing.T, db *teststack.Database) {
	t.Helper()
	rows, err := db.Pool.Query(t.Context(), `SELECT c.conname::text, c.conrelid::regclass::text, c.confrelid::regclass::text,
		array(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY k(n, i) JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n ORDER BY k.i),
		array(SELECT a.attname::text FROM unnest(c.confkey) WITH ORDINALITY k(n, i) JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n ORDER BY k.i)
		FROM pg_constraint c WHERE c.contype = 'f' AND c.conparentid = 0`)
	require.NoError(t, err)
	type fk struct {
		Name, Child, Parent string
		Cols, Refs          []string
	}
	fks, err := pgx.CollectRows(rows, pgx.RowToStructByPos[fk])
	require.NoError(t, err)
	require.NotEmpty(t, fks)
	for _, k := range fks {
		var notNull, match []string
		for i := range k.Cols {
			c := "c." + pgx.Identifier{k.Cols[i]}.Sanitize()
			notNull = append(notNull, c+" IS NOT NULL")
			match = append(match, "p."+pgx.Identifier{k.Refs[i]}.Sanitize()+" = "+c)
		}
		var n int
		require.NoError(t, db.Pool.QueryRow(t.Context(), "SELECT count(*) FROM "+k.Child+" AS c WHERE "+strings.Join(notNull, " AND ")+
			" AND NOT EXISTS (SELECT 1 FROM "+k.Parent+" AS p WHERE "+strings.Join(match, " AND ")+")").Scan(&n))
		require.Zero(t, n, "foreign key %s of %s", k.Name, k.Child)
	}
}
