package tenancy_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/tenancy"
	"github.com/arcabackup/arca/pkg/teststack"
)

func TestQueryOne(t *testing.T) {
	t.Parallel()
	db := teststack.NewDatabase(t)
	ctx := t.Context()

	var n int64
	require.NoError(t, tenancy.QueryOne(ctx, db.Pool, "SELECT count(*) FROM generate_series(1, 7)", &n))
	require.Equal(t, int64(7), n)

	// Without dest only the row counts, whatever the columns (a smoke query).
	require.NoError(t, tenancy.QueryOne(ctx, db.Pool, "SELECT 1, 'two', now()"))

	require.ErrorIs(t, tenancy.QueryOne(ctx, db.Pool, "SELECT 1 WHERE false"), tenancy.ErrNoRows)
	require.EqualError(t, tenancy.QueryOne(ctx, db.Pool, "SELECT 1 WHERE false"), "returned no rows")

	// An error on a later row is the query's error, not lost behind the
	// first row.
	err := tenancy.QueryOne(ctx, db.Pool, "SELECT 1 / (2 - g) FROM generate_series(1, 3) g", &n)
	require.ErrorContains(t, err, "division by zero")

	require.ErrorContains(t, tenancy.QueryOne(ctx, db.Pool, "SELECT * FROM no_such_table"), "no_such_table")
}
