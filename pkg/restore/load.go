package restore

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/arcabackup/arca/pkg/archive"
	"github.com/arcabackup/arca/pkg/tenancy"
)

// tableData loads one CSV file: straight into the table with COPY, or for
// reference rows in place, through a temporary table and an insert of the
// missing rows. Shared tables are loaded with triggers off (replica mode).
func (j *tenantRestore) tableData(ctx context.Context, e *archive.Entry) error {
	t, ok := j.table(e.Name)
	if !ok {
		return fmt.Errorf("archive file %s belongs to no table of the manifest", e.Name)
	}
	into, err := j.destination(ctx, t)
	if err != nil {
		return err
	}
	// Tables of the tenant schema get their triggers from schema-post.sql,
	// after the load; tables created side by side have none.
	shared := t.Schema != j.am.Tenant.Schema && j.opts.Mode != ModeIntoSchema
	if err := j.setReplica(ctx, shared); err != nil {
		return err
	}
	tr := TableResult{Schema: t.Schema, Name: t.Name, Role: t.Role, Into: into.Sanitize()}
	switch {
	case tenancy.Role(t.Role) == tenancy.RoleReference && j.opts.Mode != ModeIntoSchema:
		tr.Rows, tr.Skipped, err = j.insertMissing(ctx, e, into, t.Columns)
	case tenantRole(t.Role) && j.opts.Mode == ModeReplace:
		tr.Rows, err = j.loadOwned(ctx, e, t, into)
	default:
		tr.Rows, err = j.copyFrom(ctx, e, into, t.Columns)
	}
	if err != nil {
		return fmt.Errorf("load %s.%s into %s: %w", t.Schema, t.Name, tr.Into, err)
	}
	j.res.Tables = append(j.res.Tables, tr)
	return nil
}

func (j *tenantRestore) table(file string) (archive.Table, bool) {
	for _, t := range j.am.Tables {
		if t.File == file {
			return t, true
		}
	}
	return archive.Table{}, false
}

func (j *tenantRestore) destination(ctx context.Context, t archive.Table) (pgx.Identifier, error) {
	if j.opts.Mode == ModeIntoSchema {
		return j.sideBySideTable(ctx, t)
	}
	if ident, ok := j.dest[tableKey{t.Schema, t.Name}]; ok {
		return ident, nil
	}
	return pgx.Identifier{t.Schema, t.Name}, nil
}

// copyFrom streams the CSV into the table. HEADER MATCH makes PostgreSQL
// check the file's header against the column list. The reader returns an
// error instead of io.EOF if the file does not match the manifest, which
// aborts the COPY.
func (j *tenantRestore) copyFrom(ctx context.Context, r io.Reader, into pgx.Identifier, cols []archive.Column) (int64, error) {
	sql := "COPY " + into.Sanitize() + " (" + columnList(cols, "") + ") FROM STDIN WITH (FORMAT csv, HEADER MATCH)"
	g := &guardedReader{r: r}
	tag, err := j.tx.Conn().PgConn().CopyFrom(ctx, g, sql)
	if rerr := g.stop(); rerr != nil {
		return 0, rerr // the backup failed verification: say so, not "COPY failed"
	}
	if err != nil {
		return 0, err
	}
	return tag.RowsAffected(), nil
}

// insertMissing loads reference rows into a temporary table and inserts
// those the table lacks: ON CONFLICT DO NOTHING on a table with a unique
// key, else only rows with no identical row. Existing rows are never
// overwritten.
func (j *tenantRestore) insertMissing(ctx context.Context, r io.Reader, into pgx.Identifier, cols []archive.Column) (rows, skipped int64, err error) {
	j.tmp++
	tmp := pgx.Identifier{"pg_temp", fmt.Sprintf("arca_ref_%d", j.tmp)}
	list := columnList(cols, "")
	create := "CREATE TEMP TABLE " + tmp[1] + " ON COMMIT DROP AS SELECT " + columnList(cols, "t.") +
		" FROM " + into.Sanitize() + " AS t WITH NO DATA"
	if _, err := j.tx.Exec(ctx, create); err != nil {
		return 0, 0, fmt.Errorf("create temporary table: %w", err)
	}
	if rows, err = j.copyFrom(ctx, r, tmp, cols); err != nil {
		return 0, 0, err
	}
	unique, err := hasUniqueKey(ctx, j.tx, into)
	if err != nil {
		return 0, 0, err
	}
	insert := "INSERT INTO " + into.Sanitize() + " AS t (" + list + ") OVERRIDING SYSTEM VALUE SELECT " +
		columnList(cols, "s.") + " FROM " + tmp.Sanitize() + " AS s"
	if unique {
		insert += " ON CONFLICT DO NOTHING"
	} else {
		insert += " WHERE NOT EXISTS (SELECT 1 FROM " + into.Sanitize() + " AS x WHERE ROW(" + columnList(cols, "x.") +
			")::text = ROW(" + columnList(cols, "s.") + ")::text)"
	}
	tag, err := j.tx.Exec(ctx, insert)
	if err != nil {
		return 0, 0, fmt.Errorf("insert missing rows: %w", err)
	}
	if _, err := j.tx.Exec(ctx, "DROP TABLE "+tmp.Sanitize()); err != nil {
		return 0, 0, fmt.Errorf("drop temporary table: %w", err)
	}
	return tag.RowsAffected(), rows - tag.RowsAffected(), nil
}

func hasUniqueKey(ctx context.Context, tx pgx.Tx, ident pgx.Identifier) (bool, error) {
	var ok bool
	err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_index
		WHERE indrelid = $1::regclass AND indisunique AND indpred IS NULL)`, ident.Sanitize()).Scan(&ok)
	if err != nil {
		return false, fmt.Errorf("look up keys of %s: %w", ident.Sanitize(), err)
	}
	return ok, nil
}

// columnList quotes the columns, each prefixed (an alias and a dot, or "").
func columnList(cols []archive.Column, prefix string) string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = prefix + pgx.Identifier{c.Name}.Sanitize()
	}
	return strings.Join(out, ", ")
}
