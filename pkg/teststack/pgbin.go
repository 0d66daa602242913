package teststack

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

// PGBin returns the path of a PostgreSQL server-side binary (initdb, pg_ctl,
// postgres, pg_dump, pg_basebackup...) of the same major version as the
// running test server. Debian keeps these in a versioned directory off the
// PATH, so the directory is taken from the installed postgresql-<major>
// package rather than guessed. ARCA_PG_BINDIR overrides it.
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
	major := "15"
	if conn, err := pgx.Connect(ctx, AdminURL()); err == nil {
		var v string
		if conn.QueryRow(ctx, "SELECT current_setting('server_version_num')").Scan(&v) == nil && len(v) >= 2 {
			major = v[:len(v)-4]
		}
		conn.Close(ctx)
	}
	out, err := exec.CommandContext(ctx, "dpkg-query", "-L", "postgresql-"+major).Output()
	if err == nil {
		for _, line := range strings.Split(string(out), "\n") {
			if strings.HasSuffix(line, "/bin/initdb") {
				return filepath.Dir(line), nil
			}
		}
	}
	// Not a Debian package: fall back to pg_config, then to the PATH.
	if out, err := exec.CommandContext(ctx, "pg_config", "--bindir").Output(); err == nil {
		d := strings.TrimSpace(string(out))
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			return d, nil
		}
	}
	if p, err := exec.LookPath("initdb"); err == nil {
		return filepath.Dir(p), nil
	}
	return "", fmt.Errorf("PostgreSQL %s server binaries not found (install postgresql-%s or set ARCA_PG_BINDIR)", major, major)
}
