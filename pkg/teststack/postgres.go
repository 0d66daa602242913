package teststack

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// AdminURL is the maintenance connection used to create and drop per-test
// databases. ARCA_TEST_PG overrides it.
func AdminURL() string {
	if u := os.Getenv("ARCA_TEST_PG"); u != "" {
		return u
	}
	return "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
}

// Database is one test's private database.
type Database struct {
	Name string
	URL  string
	Pool *pgxpool.Pool
}

// NewDatabase creates an empty database for this test and drops it (forcing
// other sessions off) when the test ends.
func NewDatabase(t testing.TB) *Database {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	admin, err := pgx.Connect(ctx, AdminURL())
	if err != nil {
		t.Fatalf("teststack: PostgreSQL is required at %s (set ARCA_TEST_PG): %v", AdminURL(), err)
	}
	defer admin.Close(ctx)

	name := "arca_test_" + randomHex(6)
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		t.Fatalf("teststack: create database %s: %v", name, err)
	}
	cfg, err := pgx.ParseConfig(AdminURL())
	if err != nil {
		t.Fatalf("teststack: parse %s: %v", AdminURL(), err)
	}
	url := fmt.Sprintf("postgres://%s@%s:%d/%s?sslmode=disable", cfg.User, cfg.Host, cfg.Port, name)
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		t.Fatalf("teststack: connect %s: %v", name, err)
	}
	t.Cleanup(func() {
		pool.Close()
		dropDatabase(name)
	})
	return &Database{Name: name, URL: url, Pool: pool}
}

func dropDatabase(name string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	admin, err := pgx.Connect(ctx, AdminURL())
	if err != nil {
		return
	}
	defer admin.Close(ctx)
	_, _ = admin.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)")
}

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}

// NewRoleName is a role name of the test's own on the test server; the
// role, if the test creates it, is dropped when the test ends, after the
// test's databases (dropped first, as they were created later).
func NewRoleName(t testing.TB) string {
	t.Helper()
	name := "arca_g_" + randomHex(5)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, AdminURL())
		if err != nil {
			t.Errorf("teststack: drop role %s: %v", name, err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "DROP ROLE IF EXISTS "+name); err != nil {
			t.Errorf("teststack: drop role %s: %v", name, err)
		}
	})
	return name
}
