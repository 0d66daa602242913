package restore

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/jackc/pgx/v5"

	"github.com/arcabackup/arca/pkg/tenancy"
)

// deleteTenant removes the tenant as the database holds it now: its rows of
// shared tables, found by discovery run here (not the backup's selections:
// tables may have changed since), then its schema. The deletes run in
// replica mode, so no ON DELETE CASCADE or SET NULL reaches a row outside
// the tenant's selection: the delete removes exactly the selected rows, and
// checkDangling refuses the restore if a row left outside still points at
// a deleted row that the backup does not bring back. Each deleted row is
// kept in a temporary table for that check.
func (j *tenantRestore) deleteTenant(ctx context.Context) error {
	tenant := tenancy.Tenant{ID: j.am.Tenant.ID}
	if j.work != "" {
		ok, err := schemaExists(ctx, j.tx, j.work)
		if err != nil {
			return err
		}
		if ok {
			tenant.Schema = j.work
		}
	}
	plan, err := tenancy.Discover(ctx, j.tx, j.opts.Tenancy, tenant)
	if err != nil {
		return err
	}
	j.plan = plan
	if err := j.setReplica(ctx, true); err != nil {
		return err
	}
	for _, t := range slices.Backward(plan.Tables) { // children first: their selections join through parents
		sql, ok := t.DeleteSQL()
		if !ok {
			continue
		}
		tmp, err := j.deletedTable(ctx, t.Identifier())
		if err != nil {
			return err
		}
		tag, err := j.tx.Exec(ctx, "WITH d AS ("+sql+" RETURNING t.*) INSERT INTO "+tmp.Sanitize()+" SELECT * FROM d")
		if err != nil {
			return fmt.Errorf("delete tenant rows of %s.%s: %w", t.Schema, t.Name, err)
		}
		j.res.Deleted += tag.RowsAffected()
	}
	if tenant.Schema != "" {
		if err := refuseForeignKeysIntoSchema(ctx, j.tx, tenant.Schema); err != nil {
			return err
		}
		if _, err := j.tx.Exec(ctx, "DROP SCHEMA "+pgx.Identifier{tenant.Schema}.Sanitize()+" CASCADE"); err != nil {
			return fmt.Errorf("drop schema %q: %w", tenant.Schema, err)
		}
	}
	return nil
}

// deletedTable is the temporary table holding the rows deleted from a
// table (by the tenant's delete, or as orphans replaced by the backup's
// rows), created on first use.
func (j *tenantRestore) deletedTable(ctx context.Context, table pgx.Identifier) (pgx.Identifier, error) {
	key := tableKey{table[0], table[1]}
	if tmp, ok := j.deleted[key]; ok {
		return tmp, nil
	}
	j.tmp++
	tmp := pgx.Identifier{"pg_temp", fmt.Sprintf("arca_del_%d", j.tmp)}
	if _, err := j.tx.Exec(ctx, "CREATE TEMP TABLE "+tmp[1]+" (LIKE "+table.Sanitize()+") ON COMMIT DROP"); err != nil {
		return nil, fmt.Errorf("create temporary table for %s: %w", table.Sanitize(), err)
	}
	j.deleted[key] = tmp
	return tmp, nil
}

// refuseForeignKeysIntoSchema stops a --replace whose DROP SCHEMA CASCADE
// would silently drop a foreign key of a table outside the tenant's schema
// (schema.sql recreates only the schema's own objects).
func refuseForeignKeysIntoSchema(ctx context.Context, tx pgx.Tx, schema string) error {
	var name, table string
	err := tx.QueryRow(ctx, `SELECT c.conname::text, c.conrelid::regclass::text FROM pg_catalog.pg_constraint c
		JOIN pg_catalog.pg_class p ON p.oid = c.confrelid JOIN pg_catalog.pg_class r ON r.oid = c.conrelid
		WHERE c.contype = 'f' AND p.relnamespace = $1::regnamespace AND r.relnamespace <> p.relnamespace LIMIT 1`,
		pgx.Identifier{schema}.Sanitize()).Scan(&name, &table)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return nil
	case err != nil:
		return fmt.Errorf("look for foreign keys into schema %q: %w", schema, err)
	}
	return fmt.Errorf("foreign key %s of %s references the tenant's schema %q: replacing the schema would drop it; refusing", name, table, schema)
}
