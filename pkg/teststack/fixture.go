package teststack

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
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
