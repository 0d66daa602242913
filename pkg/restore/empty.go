package restore

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// checkEmpty refuses a database that holds anything of its own: a full
// restore replays a whole dump, so into a non-empty database it would
// create schemas and tables before failing on the first that exists,
// leaving a mixture to clean up. It is checked before anything is written.
func checkEmpty(ctx context.Context, url string) error {
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return fmt.Errorf("target database: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	var schemas, relations int
	err = conn.QueryRow(ctx, `
		SELECT (SELECT count(*) FROM pg_namespace
		         WHERE nspname NOT IN ('public', 'information_schema') AND nspname NOT LIKE 'pg\_%'),
		       (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		         WHERE n.nspname NOT IN ('information_schema') AND n.nspname NOT LIKE 'pg\_%')`).Scan(&schemas, &relations)
	if err != nil {
		return fmt.Errorf("target database: %w", err)
	}
	if schemas > 0 || relations > 0 {
		return fmt.Errorf("target database is not empty (%d schemas, %d tables, views or sequences of its own): restore a full backup into a new database", schemas, relations)
	}
	return nil
}
