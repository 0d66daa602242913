package catalog

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Schema holds every catalog table.
const Schema = "arca_catalog"

// DB is what the catalog needs of a pool.
type DB interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	Begin(ctx context.Context) (pgx.Tx, error)
}

var _ DB = (*pgxpool.Pool)(nil)

// Catalog reads and writes the catalog. Safe for concurrent use, by any
// number of coordinator replicas sharing the database.
type Catalog struct{ db DB }

// New wraps a pool; call Migrate before use.
func New(db DB) *Catalog { return &Catalog{db: db} }

// inTx runs f in a transaction, committing when it returns nil.
func (c *Catalog) inTx(ctx context.Context, f func(pgx.Tx) error) error {
	return pgx.BeginFunc(ctx, c.db, f)
}

// queryAll runs a query and collects every row with scan; what names it in
// the error.
func queryAll[T any](ctx context.Context, db interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}, scan pgx.RowToFunc[T], what, sql string, args ...any) ([]T, error) {
	rows, err := db.Query(ctx, sql, args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	out, err := pgx.CollectRows(rows, scan)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return out, nil
}
