package tenantpitr

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/arcabackup/arca/pkg/pgbin"
)

// ErrServerNotFound: no pg_ctl of the backup's major version is installed.
var ErrServerNotFound = errors.New("PostgreSQL server binaries not found")

// ServerBinDir returns the directory of pg_ctl and postgres of PostgreSQL
// major version major: dir alone when set (source.pg_bin_dir), else the
// usual package locations, pg_config --bindir and the PATH. A data
// directory only starts under its own major version, so the version must
// match exactly.
func ServerBinDir(ctx context.Context, dir string, major int) (string, error) {
	ctl, err := pgbin.Find(ctx, dir, "pg_ctl", major, func(b pgbin.Binary) error {
		if b.Major != major {
			return fmt.Errorf("version %d, the base backup is %d", b.Major, major)
		}
		if _, err := os.Stat(filepath.Join(filepath.Dir(b.Path), "postgres")); err != nil {
			return errors.New("pg_ctl without postgres beside it")
		}
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("find PostgreSQL %d: %w: %w (install postgresql-%d or set source.pg_bin_dir)", major, ErrServerNotFound, err, major)
	}
	return filepath.Dir(ctl.Path), nil
}

// serverMajor reads the major version out of a base backup's
// server_version ("15", "9.6").
func serverMajor(v string) (int, error) {
	head, _, _ := strings.Cut(v, ".")
	n, err := strconv.Atoi(head)
	if err != nil || n < 10 {
		return 0, fmt.Errorf("base backup server version %q is not a supported major version", v)
	}
	return n, nil
}
