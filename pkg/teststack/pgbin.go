package teststack

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/arcabackup/arca/pkg/pgbin"
)

// PGBin returns the path of a PostgreSQL server-side binary (initdb, pg_ctl,
// postgres, pg_dump, pg_basebackup...) of the same major version as the
// running test server. Debian keeps these in a versioned directory off the
// PATH; pgbin knows where each packaging puts them. ARCA_PG_BINDIR
// overrides it.
func PGBin(t testing.TB, name string) string {
	t.Helper()
	dir, err := PGBinDir(context.Background())
	if err != nil {
		t.Fatalf("teststack: %v", err)
	}
	return filepath.Join(dir, name)
}

// PGBinDir finds the server binary directory; see PGBin.
func PGBinDir(ctx context.Context) (string, error) {
	if d := os.Getenv("ARCA_PG_BINDIR"); d != "" {
		return d, nil
	}
	major := 15
	if conn, err := pgx.Connect(ctx, AdminURL()); err == nil {
		var v int
		if conn.QueryRow(ctx, "SELECT current_setting('server_version_num')::int").Scan(&v) == nil {
			major = v / 10000
		}
		conn.Close(ctx)
	}
	initdb, err := pgbin.Find(ctx, "", "initdb", major, func(b pgbin.Binary) error {
		if b.Major != major {
			return fmt.Errorf("version %d, the test server is %d", b.Major, major)
		}
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("PostgreSQL %d server binaries (install postgresql-%d or set ARCA_PG_BINDIR): %w", major, major, err)
	}
	return filepath.Dir(initdb.Path), nil
}
