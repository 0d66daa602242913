package restore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/arcabackup/arca/pkg/archive"
)

// prepareSideBySide makes room for ModeIntoSchema. schema.sql creates the
// tenant's schema under its own name, so a live schema of that name is
// renamed away for the length of the transaction (other sessions keep
// seeing it where it was: the rename is not committed) and renamed back by
// swapSchemas.
func (j *tenantRestore) prepareSideBySide(ctx context.Context) error {
	if ok, err := schemaExists(ctx, j.tx, j.opts.Schema); err != nil {
		return err
	} else if ok {
		return fmt.Errorf("schema %q already exists", j.opts.Schema)
	}
	if j.work == "" {
		j.work = j.opts.Schema
		if _, err := j.tx.Exec(ctx, "CREATE SCHEMA "+pgx.Identifier{j.work}.Sanitize()); err != nil {
			return fmt.Errorf("create schema %q: %w", j.work, err)
		}
		return nil
	}
	ok, err := schemaExists(ctx, j.tx, j.work)
	if err != nil || !ok {
		return err
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	j.hold = "arca_hold_" + hex.EncodeToString(b)
	return renameSchema(ctx, j.tx, j.work, j.hold)
}

// sideBySideTable is where ModeIntoSchema puts a table's rows: schema
// tables stay in the (renamed) schema; a shared table becomes
// "<schema>__<table>" in it, created on first use.
func (j *tenantRestore) sideBySideTable(ctx context.Context, t archive.Table) (pgx.Identifier, error) {
	key := tableKey{t.Schema, t.Name}
	if ident, ok := j.dest[key]; ok {
		return ident, nil
	}
	if t.Schema == j.am.Tenant.Schema {
		j.dest[key] = pgx.Identifier{t.Schema, t.Name}
		return j.dest[key], nil
	}
	ident := pgx.Identifier{j.work, t.Schema + "__" + t.Name}
	exists, err := relationExists(ctx, j.tx, ident)
	if err != nil {
		return nil, err
	}
	if exists {
		return nil, fmt.Errorf("table %s for shared table %s.%s already exists", ident.Sanitize(), t.Schema, t.Name)
	}
	if err := j.createTable(ctx, ident, t.Columns); err != nil {
		return nil, err
	}
	j.dest[key] = ident
	return ident, nil
}

// swapSchemas gives the restored schema its new name and the live one its
// own back. Foreign keys from the copy to tables outside it (live shared
// tables) are dropped first, with a warning: a comparison copy must not
// stop anyone from deleting a live row.
func (j *tenantRestore) swapSchemas(ctx context.Context) error {
	if err := j.detachForeignKeys(ctx); err != nil {
		return err
	}
	if j.work != j.opts.Schema {
		if err := renameSchema(ctx, j.tx, j.work, j.opts.Schema); err != nil {
			return err
		}
	}
	if j.hold != "" {
		if err := renameSchema(ctx, j.tx, j.hold, j.work); err != nil {
			return err
		}
	}
	j.res.Schema = j.opts.Schema
	for i, t := range j.res.Tables {
		if ident := j.dest[tableKey{t.Schema, t.Name}]; ident[0] == j.work {
			j.res.Tables[i].Into = pgx.Identifier{j.opts.Schema, ident[1]}.Sanitize()
		}
	}
	return nil
}

func renameSchema(ctx context.Context, tx pgx.Tx, from, to string) error {
	if _, err := tx.Exec(ctx, "ALTER SCHEMA "+pgx.Identifier{from}.Sanitize()+" RENAME TO "+pgx.Identifier{to}.Sanitize()); err != nil {
		return fmt.Errorf("rename schema %q to %q: %w", from, to, err)
	}
	return nil
}

func (j *tenantRestore) detachForeignKeys(ctx context.Context) error {
	rows, err := j.tx.Query(ctx, `SELECT c.conname::text, r.relname::text, pn.nspname::text, p.relname::text
		FROM pg_catalog.pg_constraint c
		JOIN pg_catalog.pg_class r ON r.oid = c.conrelid
		JOIN pg_catalog.pg_class p ON p.oid = c.confrelid
		JOIN pg_catalog.pg_namespace pn ON pn.oid = p.relnamespace
		WHERE c.contype = 'f' AND r.relnamespace = $1::regnamespace AND p.relnamespace <> r.relnamespace
		ORDER BY 2, 1`, pgx.Identifier{j.work}.Sanitize())
	if err != nil {
		return fmt.Errorf("list foreign keys leaving schema %q: %w", j.work, err)
	}
	type fk struct{ Name, Table, ParentSchema, Parent string }
	fks, err := pgx.CollectRows(rows, pgx.RowToStructByPos[fk])
	if err != nil {
		return fmt.Errorf("list foreign keys leaving schema %q: %w", j.work, err)
	}
	for _, k := range fks {
		table := pgx.Identifier{j.work, k.Table}.Sanitize()
		if _, err := j.tx.Exec(ctx, "ALTER TABLE "+table+" DROP CONSTRAINT "+pgx.Identifier{k.Name}.Sanitize()); err != nil {
			return fmt.Errorf("drop foreign key %s of %s: %w", k.Name, table, err)
		}
		j.res.Warnings = append(j.res.Warnings, fmt.Sprintf("foreign key %s of %s to live table %s dropped in the side-by-side copy",
			k.Name, k.Table, pgx.Identifier{k.ParentSchema, k.Parent}.Sanitize()))
	}
	return nil
}
