package teststack

import (
	"os"
	"testing"
)

func TestPGBinFindsServerBinaries(t *testing.T) {
	for _, name := range []string{"initdb", "pg_ctl", "pg_dump", "pg_basebackup"} {
		p := PGBin(t, name)
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
}

func TestNewDatabaseIsPrivateAndUsable(t *testing.T) {
	a, b := NewDatabase(t), NewDatabase(t)
	if a.Name == b.Name {
		t.Fatal("two tests share a database")
	}
	var n int
	if err := a.Pool.QueryRow(t.Context(), "SELECT 41+1").Scan(&n); err != nil || n != 42 {
		t.Fatalf("query: %d %v", n, err)
	}
}
