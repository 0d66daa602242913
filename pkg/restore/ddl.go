package restore

import (
	"context"
	"fmt"
	"io"
)

// preData runs schema.sql: the tenant schema, its types, functions, tables
// and sequences, without constraints, indexes or triggers.
func (j *tenantRestore) preData(ctx context.Context, r io.Reader) error {
	sql, err := readScript(r)
	if err != nil {
		return fmt.Errorf("read schema.sql: %w", err)
	}
	if err := j.exec(ctx, sql); err != nil {
		return fmt.Errorf("run schema.sql: %w", err)
	}
	return nil
}

// postData runs schema-post.sql once the rows are in: constraints (foreign
// keys validated as they are added), indexes, triggers, sequence values.
// Outside ModeReplace, a foreign key pointing out of the tenant schema may
// meet a table this restore created without keys, or a live table lacking
// the row; it is then skipped with a warning instead of failing.
func (j *tenantRestore) postData(ctx context.Context, r io.Reader) error {
	if err := j.setReplica(ctx, false); err != nil {
		return err
	}
	sql, err := readScript(r)
	if err != nil {
		return fmt.Errorf("read schema-post.sql: %w", err)
	}
	for _, e := range splitScript(sql) {
		if e.Type != "FK CONSTRAINT" || j.opts.Mode == ModeReplace {
			if err := j.exec(ctx, e.SQL); err != nil {
				return fmt.Errorf("run schema-post.sql %s %s: %w", e.Type, e.Name, err)
			}
			continue
		}
		if err := j.execOptional(ctx, e.SQL); err != nil {
			j.res.Warnings = append(j.res.Warnings, fmt.Sprintf("foreign key %s not recreated: %v", e.Name, err))
		}
	}
	return nil
}

// exec runs a multi-statement script over the simple protocol, then puts
// back the search_path that pg_dump's preamble empties: the manifest's
// column types are spelled relative to the default path (format_type), and
// a table created later must resolve them the same way.
func (j *tenantRestore) exec(ctx context.Context, sql string) error {
	if j.searchPath == "" {
		if err := j.tx.QueryRow(ctx, "SELECT current_setting('search_path')").Scan(&j.searchPath); err != nil {
			return err
		}
	}
	if _, err := j.tx.Conn().PgConn().Exec(ctx, sql).ReadAll(); err != nil {
		return err
	}
	_, err := j.tx.Exec(ctx, "SELECT set_config('search_path', $1, true)", j.searchPath)
	return err
}

// execOptional runs sql under a savepoint, undoing only it on failure.
func (j *tenantRestore) execOptional(ctx context.Context, sql string) error {
	sp, err := j.tx.Begin(ctx)
	if err != nil {
		return err
	}
	if _, err := sp.Conn().PgConn().Exec(ctx, sql).ReadAll(); err != nil {
		if rerr := sp.Rollback(ctx); rerr != nil {
			return fmt.Errorf("%w (rollback to savepoint: %w)", err, rerr)
		}
		return err
	}
	return sp.Commit(ctx)
}
