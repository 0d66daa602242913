package teststack

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
)

// FixturePath is the exporter's fixture (services/exporter/testdata/
// fixture.sql): the multi-tenant schema with every tenancy model and FK
// trap that discovery, export, restore and the end-to-end tests share.
func FixturePath(t testing.TB) string {
	t.Helper()
	_, self, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("teststack: cannot locate the fixture")
	}
	return filepath.Join(filepath.Dir(self), "..", "..", "services", "exporter", "testdata", "fixture.sql")
}

// NewFixtureDatabase is a database of the test's own (NewDatabase) holding
// the fixture.
func NewFixtureDatabase(t testing.TB) *Database {
	t.Helper()
	db := NewDatabase(t)
	sql, err := os.ReadFile(FixturePath(t))
	if err != nil {
		t.Fatalf("teststack: %v", err)
	}
	conn, err := db.Pool.Acquire(t.Context())
	if err != nil {
		t.Fatalf("teststack: %v", err)
	}
	defer conn.Release()
	// The simple protocol: the fixture is many statements.
	if _, err := conn.Conn().PgConn().Exec(t.Context(), string(sql)).ReadAll(); err != nil {
		t.Fatalf("teststack: load the fixture: %v", err)
	}
	return db
}

// AddBulkRows gives a fixture tenant (a tenant column's, such as beta)
// rows more of public.organizations, 512 hex characters each, which
// barely compress: its archive then spans several chunks and parts.
func AddBulkRows(t testing.TB, pool *pgxpool.Pool, tenant string, rows int) {
	t.Helper()
	_, err := pool.Exec(t.Context(), `INSERT INTO public.organizations
		SELECT 100000 + g, $1, (SELECT string_agg(md5(random()::text || i), '') FROM generate_series(1, 16) i WHERE g > 0)
		FROM generate_series(1, $2::int) g`, tenant, rows)
	if err != nil {
		t.Fatalf("teststack: add %d rows for %s: %v", rows, tenant, err)
	}
}
