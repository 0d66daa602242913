package restore

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/jackc/pgx/v5/pgconn"
)

// alreadyThere are the SQLSTATEs of DDL meeting an object the database
// already has: duplicate table, object, function, schema, and a second
// primary key.
var alreadyThere = map[string]bool{"42P07": true, "42710": true, "42723": true, "42P06": true, "42P16": true}

// sharedDDL runs the archive's DDL of the shared schemas (ModeTarget only):
// each object is created where the target lacks it, under a savepoint of
// its own, so that an existing table, type or constraint is kept as it is.
// Other failures are warnings: the rows may still fit. Other modes restore
// into a database that has the shared schemas and skip the file.
func (j *tenantRestore) sharedDDL(ctx context.Context, r io.Reader, name string) error {
	if j.opts.Mode != ModeTarget {
		_, err := io.Copy(io.Discard, r)
		return err
	}
	if err := j.setReplica(ctx, false); err != nil {
		return err
	}
	sql, err := readScript(r)
	if err != nil {
		return fmt.Errorf("read %s: %w", name, err)
	}
	if j.searchPath == "" {
		if err := j.tx.QueryRow(ctx, "SELECT current_setting('search_path')").Scan(&j.searchPath); err != nil {
			return err
		}
	}
	for _, e := range splitScript(sql) {
		err := j.execOptional(ctx, e.SQL)
		var pe *pgconn.PgError
		switch {
		case err == nil:
		case errors.As(err, &pe) && alreadyThere[pe.Code]:
		case e.Type == "":
			return fmt.Errorf("run %s preamble: %w", name, err)
		default:
			j.res.Warnings = append(j.res.Warnings, fmt.Sprintf("%s: %s %s not created: %v", name, e.Type, e.Name, err))
		}
	}
	_, err = j.tx.Exec(ctx, "SELECT set_config('search_path', $1, true)", j.searchPath)
	return err
}
