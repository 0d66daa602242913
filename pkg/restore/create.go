package restore

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/arcabackup/arca/pkg/archive"
)

// ensureSharedTables creates every shared table of the archive that the
// database lacks (and its schema), so the rows have somewhere to go.
func (j *tenantRestore) ensureSharedTables(ctx context.Context) error {
	for _, t := range j.am.Tables {
		key := tableKey{t.Schema, t.Name}
		if _, done := j.dest[key]; done {
			continue
		}
		ident := pgx.Identifier{t.Schema, t.Name}
		j.dest[key] = ident
		if t.Schema == j.am.Tenant.Schema {
			continue // schema.sql creates it
		}
		exists, err := relationExists(ctx, j.tx, ident)
		if err != nil {
			return err
		}
		if exists {
			continue
		}
		if _, err := j.tx.Exec(ctx, "CREATE SCHEMA IF NOT EXISTS "+pgx.Identifier{t.Schema}.Sanitize()); err != nil {
			return fmt.Errorf("create schema %q: %w", t.Schema, err)
		}
		if err := j.createTable(ctx, ident, t.Columns); err != nil {
			return err
		}
	}
	return nil
}

// createTable creates a table with the manifest's columns, without keys or
// constraints: the archive carries no DDL for shared tables. A type the
// database does not know becomes text (text[] for arrays), with a warning.
func (j *tenantRestore) createTable(ctx context.Context, ident pgx.Identifier, cols []archive.Column) error {
	defs := make([]string, len(cols))
	for i, c := range cols {
		typ, err := j.columnType(ctx, ident, c)
		if err != nil {
			return err
		}
		defs[i] = pgx.Identifier{c.Name}.Sanitize() + " " + typ
	}
	name := ident.Sanitize()
	if _, err := j.tx.Exec(ctx, "CREATE TABLE "+name+" ("+strings.Join(defs, ", ")+")"); err != nil {
		return fmt.Errorf("create table %s: %w", name, err)
	}
	j.res.Created = append(j.res.Created, name)
	return nil
}

func (j *tenantRestore) columnType(ctx context.Context, ident pgx.Identifier, c archive.Column) (string, error) {
	var known bool
	if err := j.tx.QueryRow(ctx, "SELECT to_regtype($1) IS NOT NULL", c.Type).Scan(&known); err != nil {
		return "", fmt.Errorf("look up type %s: %w", c.Type, err)
	}
	if known {
		return c.Type, nil
	}
	fallback := "text"
	if strings.HasSuffix(c.Type, "[]") {
		fallback = "text[]"
	}
	j.res.Warnings = append(j.res.Warnings, fmt.Sprintf("column %s.%s: type %s missing, created as %s",
		ident.Sanitize(), pgx.Identifier{c.Name}.Sanitize(), c.Type, fallback))
	return fallback, nil
}

func relationExists(ctx context.Context, tx pgx.Tx, ident pgx.Identifier) (bool, error) {
	var ok bool
	if err := tx.QueryRow(ctx, "SELECT to_regclass($1) IS NOT NULL", ident.Sanitize()).Scan(&ok); err != nil {
		return false, fmt.Errorf("look up table %s: %w", ident.Sanitize(), err)
	}
	return ok, nil
}
