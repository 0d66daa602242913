package roundtrip_test

import (
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/restore"
	"github.com/arcabackup/arca/pkg/tenancy"
	"github.com/arcabackup/arca/pkg/teststack"
)

// corpusBundle is a database holding one corpus fixture, set up for backups
// with cfg.
func corpusBundle(t *testing.T, name string, cfg tenancy.Config) *bundle {
	t.Helper()
	db := teststack.NewDatabase(t)
	sql, err := os.ReadFile("../../testdata/corpus/" + name + ".sql")
	require.NoError(t, err)
	runSQL(t, db, string(sql))
	dir, err := teststack.PGBinDir(t.Context())
	require.NoError(t, err)
	kr, kek := newKeys(t)
	b := &bundle{db: db, keys: kr, kek: kek, cfg: exportConfig(db.URL, dir, 1<<20)}
	b.cfg.Tenancy = cfg
	return b
}

var columnTenancy = tenancy.Config{TenantTable: tenancy.TenantTable{Table: "public.tenants", Key: "id"}}

// A renamed tenant gets its name back; a deleted one comes back whole, its
// orphaned notes (tenant column SET NULL) replaced by primary key.
func TestReplaceRestoresRenamedAndDeletedTenant(t *testing.T) {
	t.Parallel()
	b := corpusBundle(t, "column", columnTenancy)
	before := everything(t, b.db.URL)
	s := b.backup(t, "t1", 1<<20)
	opts := restore.Options{Mode: restore.ModeReplace, Tenancy: columnTenancy}

	runSQL(t, b.db, `UPDATE public.tenants SET name = 'Renamed' WHERE id = 't1'`)
	_, err := restore.Tenant(t.Context(), b.db.URL, s.open(), s.m, b.keys, opts)
	require.NoError(t, err)
	require.Equal(t, before, everything(t, b.db.URL))

	runSQL(t, b.db, `DELETE FROM public.tenants WHERE id = 't1'`)
	var orphans int
	require.NoError(t, b.db.Pool.QueryRow(t.Context(), `SELECT count(*) FROM public.notes WHERE "tenantId" IS NULL`).Scan(&orphans))
	require.Equal(t, 3, orphans, "t1's two notes and the global one")
	res, err := restore.Tenant(t.Context(), b.db.URL, s.open(), s.m, b.keys, opts)
	require.NoError(t, err)
	require.EqualValues(t, 2, res.Orphans)
	require.Equal(t, before, everything(t, b.db.URL))
}

// An orphan that another tenant has taken since is never overwritten: the
// restore is refused, naming the table, the key and the owner.
func TestReplaceRefusesAnotherTenantsRow(t *testing.T) {
	t.Parallel()
	b := corpusBundle(t, "column", columnTenancy)
	s := b.backup(t, "t1", 1<<20)
	runSQL(t, b.db, `DELETE FROM public.tenants WHERE id = 't1'; UPDATE public.notes SET "tenantId" = 't2' WHERE id = 1`)
	before := everything(t, b.db.URL)
	_, err := restore.Tenant(t.Context(), b.db.URL, s.open(), s.m, b.keys, restore.Options{Mode: restore.ModeReplace, Tenancy: columnTenancy})
	require.ErrorContains(t, err, `"public"."notes" key ("id")=(1) is owned by tenant "t2"`)
	require.Equal(t, before, everything(t, b.db.URL))
}

// The delete of --replace never cascades past the tenant's rows: another
// tenant's row pointing (ON DELETE SET NULL) at a row the tenant created
// after its backup would be changed and never come back, so the restore is
// refused and nothing changes.
func TestReplaceRefusesToLoseAnotherTenantsReference(t *testing.T) {
	t.Parallel()
	cfg := tenancy.Config{TenantTable: tenancy.TenantTable{Table: "public.tenants", Key: "id"}}
	b := corpusBundle(t, "links", cfg)
	runSQL(t, b.db, `CREATE TABLE public.bookmarks (id int PRIMARY KEY,
		workspace_id bigint NOT NULL REFERENCES public.workspaces (id) ON DELETE CASCADE,
		document_id bigint REFERENCES public.documents (id) ON DELETE SET NULL)`)
	s := b.backup(t, "a", 1<<20)
	runSQL(t, b.db, `INSERT INTO public.documents VALUES (1003, 100, NULL, 'new in a');
		INSERT INTO public.bookmarks VALUES (1, 20, 1003)`)
	before := everything(t, b.db.URL)
	_, err := restore.Tenant(t.Context(), b.db.URL, s.open(), s.m, b.keys, restore.Options{Mode: restore.ModeReplace, Tenancy: cfg})
	require.ErrorContains(t, err, `1 rows of public.bookmarks pointing at deleted rows of "public"."documents"`)
	require.Equal(t, before, everything(t, b.db.URL))

	// Once b's bookmark lets go, a's restore goes through and b's row is
	// as it was.
	runSQL(t, b.db, `UPDATE public.bookmarks SET document_id = 1000`)
	before = everything(t, b.db.URL)
	_, err = restore.Tenant(t.Context(), b.db.URL, s.open(), s.m, b.keys, restore.Options{Mode: restore.ModeReplace, Tenancy: cfg})
	require.NoError(t, err)
	after := everything(t, b.db.URL)
	require.Equal(t, before[`"public"."bookmarks"`], after[`"public"."bookmarks"`])
}

// A link made since the backup between the tenant's row and another
// tenant's belongs to both: the tenant's restore keeps it.
func TestReplaceKeepsARowAnotherTenantAlsoOwns(t *testing.T) {
	t.Parallel()
	cfg := tenancy.Config{TenantTable: tenancy.TenantTable{Table: "public.tenants", Key: "id"}}
	b := corpusBundle(t, "links", cfg)
	s := b.backup(t, "a", 1<<20)
	runSQL(t, b.db, `INSERT INTO public.mentions VALUES (1000, 30, 'a mentions c, since the backup')`)
	before := everything(t, b.db.URL)
	res, err := restore.Tenant(t.Context(), b.db.URL, s.open(), s.m, b.keys, restore.Options{Mode: restore.ModeReplace, Tenancy: cfg})
	require.NoError(t, err)
	require.EqualValues(t, 1, res.Kept)
	require.Equal(t, before, everything(t, b.db.URL))
}
