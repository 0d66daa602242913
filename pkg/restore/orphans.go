package restore

import (
	"context"
	"fmt"
	"io"

	"github.com/jackc/pgx/v5"

	"github.com/arcabackup/arca/pkg/archive"
	"github.com/arcabackup/arca/pkg/tenancy"
)

// loadOwned loads the rows of an owned shared table for ModeReplace. The
// tenant's current rows are already deleted, but rows the tenant lost can
// remain under the same primary key: orphans whose tenant column or parent
// was SET NULL when the tenant (or a parent) was deleted. Such a row is
// owned by no tenant: it is replaced by the backup's row. A conflicting row
// that another tenant owns is never touched: the restore is refused, naming
// the table, the key and the owner.
func (j *tenantRestore) loadOwned(ctx context.Context, r io.Reader, t archive.Table, into pgx.Identifier) (int64, error) {
	j.tmp++
	tmp := pgx.Identifier{"pg_temp", fmt.Sprintf("arca_own_%d", j.tmp)}
	create := "CREATE TEMP TABLE " + tmp[1] + " ON COMMIT DROP AS SELECT " + columnList(t.Columns, "t.") +
		" FROM " + into.Sanitize() + " AS t WITH NO DATA"
	if _, err := j.tx.Exec(ctx, create); err != nil {
		return 0, fmt.Errorf("create temporary table: %w", err)
	}
	if _, err := j.copyFrom(ctx, r, tmp, t.Columns); err != nil {
		return 0, err
	}
	pk, err := primaryKey(ctx, j.tx, into)
	if err != nil {
		return 0, err
	}
	if len(pk) > 0 && covers(t.Columns, pk) {
		if err := j.replaceOrphans(ctx, t, into, tmp, pk); err != nil {
			return 0, err
		}
	}
	tag, err := j.tx.Exec(ctx, "INSERT INTO "+into.Sanitize()+" ("+columnList(t.Columns, "")+") OVERRIDING SYSTEM VALUE SELECT "+
		columnList(t.Columns, "s.")+" FROM "+tmp.Sanitize()+" AS s")
	if err != nil {
		return 0, err
	}
	if _, err := j.tx.Exec(ctx, "DROP TABLE "+tmp.Sanitize()); err != nil {
		return 0, fmt.Errorf("drop temporary table: %w", err)
	}
	return tag.RowsAffected(), nil
}

// replaceOrphans deletes the rows of into that share a primary key with a
// backup row in tmp and that no tenant owns; it refuses if another tenant
// owns one.
func (j *tenantRestore) replaceOrphans(ctx context.Context, t archive.Table, into, tmp pgx.Identifier, pk []string) error {
	owner := "NULL::text"
	if pt, ok := j.planTable(t); ok && pt.Owner != "" {
		owner = pt.Owner
	}
	match := "(" + keyList(pk, "t.") + ") IN (SELECT " + keyList(pk, "s.") + " FROM " + tmp.Sanitize() + " AS s)"
	var key, who string
	err := j.tx.QueryRow(ctx, "SELECT ROW("+keyList(pk, "t.")+")::text, o FROM "+into.Sanitize()+" AS t, LATERAL (SELECT "+owner+" AS o) x WHERE "+
		match+" AND o IS NOT NULL AND o <> "+settingText+" LIMIT 1").Scan(&key, &who)
	switch {
	case err == nil:
		return fmt.Errorf("%s key (%s)=%s is owned by tenant %q now: not replaced; restore or move that row first",
			into.Sanitize(), keyList(pk, ""), key, who)
	case err != pgx.ErrNoRows:
		return fmt.Errorf("look for rows of other tenants in %s: %w", into.Sanitize(), err)
	}
	del, err := j.deletedTable(ctx, into)
	if err != nil {
		return err
	}
	tag, err := j.tx.Exec(ctx, "WITH d AS (DELETE FROM "+into.Sanitize()+" AS t WHERE "+match+" RETURNING t.*) INSERT INTO "+del.Sanitize()+" SELECT * FROM d")
	if err != nil {
		return fmt.Errorf("replace orphans of %s: %w", into.Sanitize(), err)
	}
	j.res.Orphans += tag.RowsAffected()
	return nil
}

// settingText reads the bound tenant id (tenancy.Bind).
const settingText = "current_setting('" + tenancy.Setting + "')"

func (j *tenantRestore) planTable(t archive.Table) (tenancy.Table, bool) {
	if j.plan == nil {
		return tenancy.Table{}, false
	}
	for _, pt := range j.plan.Tables {
		if pt.Schema == t.Schema && pt.Name == t.Name && pt.Role.Owned() {
			return pt, true
		}
	}
	return tenancy.Table{}, false
}

func primaryKey(ctx context.Context, tx pgx.Tx, table pgx.Identifier) ([]string, error) {
	rows, err := tx.Query(ctx, `SELECT a.attname::text FROM pg_catalog.pg_index i
		CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY k(n, o)
		JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.n
		WHERE i.indrelid = $1::regclass AND i.indisprimary ORDER BY k.o`, table.Sanitize())
	if err != nil {
		return nil, fmt.Errorf("look up primary key of %s: %w", table.Sanitize(), err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("look up primary key of %s: %w", table.Sanitize(), err)
	}
	return out, nil
}

func covers(cols []archive.Column, names []string) bool {
	for _, n := range names {
		found := false
		for _, c := range cols {
			found = found || c.Name == n
		}
		if !found {
			return false
		}
	}
	return true
}

func keyList(names []string, prefix string) string {
	cols := make([]archive.Column, len(names))
	for i, n := range names {
		cols[i] = archive.Column{Name: n}
	}
	return columnList(cols, prefix)
}

// tenantRole reports whether rows of role r are owned by the tenant.
func tenantRole(r string) bool { return tenancy.Role(r).Owned() }
