package fingerprint

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
)

// Fingerprint is a table's (or a selection's) row count and digest.
type Fingerprint struct {
	Rows int64  `json:"rows"`
	MD5  string `json:"md5"`
}

func (f Fingerprint) String() string { return fmt.Sprintf("%d rows md5 %s", f.Rows, f.MD5) }

// Querier is a connection, pool or transaction.
type Querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

// Table fingerprints columns of schema.table, restricted by where (a
// predicate over alias t; empty for every row).
func Table(ctx context.Context, q Querier, schema, table string, columns []string, where string) (Fingerprint, error) {
	sql := SQL(schema, table, columns, where)
	rows, err := q.Query(ctx, sql, pgx.QueryExecModeSimpleProtocol)
	if err != nil {
		return Fingerprint{}, fmt.Errorf("fingerprint %s.%s: %w", schema, table, err)
	}
	defer rows.Close()
	h := md5.New()
	var f Fingerprint
	for rows.Next() {
		raw := rows.RawValues()
		if len(raw) != 1 {
			return Fingerprint{}, fmt.Errorf("fingerprint %s.%s: want one column", schema, table)
		}
		h.Write(raw[0])
		h.Write([]byte{'\n'})
		f.Rows++
	}
	if err := rows.Err(); err != nil {
		return Fingerprint{}, fmt.Errorf("fingerprint %s.%s: %w", schema, table, err)
	}
	f.MD5 = hex.EncodeToString(h.Sum(nil))
	return f, nil
}

// SQL is the query Table runs: one text column per row, in canonical order.
func SQL(schema, table string, columns []string, where string) string {
	cols := make([]string, len(columns))
	for i, c := range columns {
		cols[i] = "t." + pgx.Identifier{c}.Sanitize()
	}
	sql := "SELECT ROW(" + strings.Join(cols, ", ") + ")::text AS r FROM " + pgx.Identifier{schema, table}.Sanitize() + " AS t"
	if where != "" {
		sql += " WHERE " + where
	}
	return "SELECT s.r FROM (" + sql + `) AS s ORDER BY s.r COLLATE "C"`
}
