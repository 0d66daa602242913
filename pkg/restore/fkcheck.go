package restore

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
)

// foreignKey is one foreign key of a loaded shared table.
type foreignKey struct {
	name       string
	parent     pgx.Identifier
	cols, refs []string
}

// checkForeignKeys does what replica mode skipped while shared tables were
// loaded: for every foreign key of every loaded shared table, no restored
// row (the table's selection) may point at a missing parent row. Keys with
// a NULL column pass, as MATCH SIMPLE says.
func (j *tenantRestore) checkForeignKeys(ctx context.Context) error {
	for _, t := range j.am.Tables {
		if t.Schema == j.am.Tenant.Schema {
			continue // schema-post.sql validated these when adding them
		}
		into := j.dest[tableKey{t.Schema, t.Name}]
		if into == nil {
			into = pgx.Identifier{t.Schema, t.Name}
		}
		fks, err := foreignKeys(ctx, j.tx, into)
		if err != nil {
			return err
		}
		for _, fk := range fks {
			var bad int64
			if err := j.tx.QueryRow(ctx, violationSQL(into, t.Selection, fk)).Scan(&bad); err != nil {
				return fmt.Errorf("check foreign key %s of %s: %w", fk.name, into.Sanitize(), err)
			}
			if bad > 0 {
				return fmt.Errorf("foreign key %s of %s: %d restored rows point at missing rows of %s",
					fk.name, into.Sanitize(), bad, fk.parent.Sanitize())
			}
		}
	}
	return nil
}

func violationSQL(child pgx.Identifier, selection string, fk foreignKey) string {
	var notNull, match []string
	for i, c := range fk.cols {
		notNull = append(notNull, "t."+pgx.Identifier{c}.Sanitize()+" IS NOT NULL")
		match = append(match, "p."+pgx.Identifier{fk.refs[i]}.Sanitize()+" = t."+pgx.Identifier{c}.Sanitize())
	}
	where := strings.Join(notNull, " AND ")
	if selection != "" {
		where = "(" + selection + ") AND " + where
	}
	return "SELECT count(*) FROM " + child.Sanitize() + " AS t WHERE " + where +
		" AND NOT EXISTS (SELECT 1 FROM " + fk.parent.Sanitize() + " AS p WHERE " + strings.Join(match, " AND ") + ")"
}

// fkColumnsSQL selects, for the pg_constraint row c of a foreign key, its
// columns and the parent columns they reference, in key order, as two text
// arrays: the pairs a row check joins on.
const fkColumnsSQL = `array(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY k(n, i)
		JOIN pg_catalog.pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n ORDER BY k.i),
	array(SELECT a.attname::text FROM unnest(c.confkey) WITH ORDINALITY k(n, i)
		JOIN pg_catalog.pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n ORDER BY k.i)`

func foreignKeys(ctx context.Context, tx pgx.Tx, table pgx.Identifier) ([]foreignKey, error) {
	rows, err := tx.Query(ctx, `SELECT c.conname::text, n.nspname::text, r.relname::text, `+fkColumnsSQL+`
		FROM pg_catalog.pg_constraint c
		JOIN pg_catalog.pg_class r ON r.oid = c.confrelid
		JOIN pg_catalog.pg_namespace n ON n.oid = r.relnamespace
		WHERE c.contype = 'f' AND c.conrelid = $1::regclass ORDER BY c.conname`, table.Sanitize())
	if err != nil {
		return nil, fmt.Errorf("list foreign keys of %s: %w", table.Sanitize(), err)
	}
	var out []foreignKey
	for rows.Next() {
		var fk foreignKey
		var schema, name string
		if err := rows.Scan(&fk.name, &schema, &name, &fk.cols, &fk.refs); err != nil {
			rows.Close()
			return nil, fmt.Errorf("list foreign keys of %s: %w", table.Sanitize(), err)
		}
		fk.parent = pgx.Identifier{schema, name}
		out = append(out, fk)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list foreign keys of %s: %w", table.Sanitize(), err)
	}
	return out, nil
}
