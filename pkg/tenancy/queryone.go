package tenancy

import (
	"context"
	"errors"
)

// ErrNoRows is QueryOne's error for a query that returned no row.
var ErrNoRows = errors.New("returned no rows")

// QueryOne runs sql and scans its first row into dest; with no dest it only
// checks that there is a row (a drill's smoke query, whatever its columns).
// Unlike pgx's QueryRow it needs only a Querier, and it reads the result to
// the end, so that an error on a later row is not lost.
func QueryOne(ctx context.Context, q Querier, sql string, dest ...any) error {
	rows, err := q.Query(ctx, sql)
	if err != nil {
		return err
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return err
		}
		return ErrNoRows
	}
	if len(dest) > 0 {
		if err := rows.Scan(dest...); err != nil {
			return err
		}
	}
	rows.Close()
	return rows.Err()
}
