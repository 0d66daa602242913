package tenantpitr

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// ErrServerNotFound: no pg_ctl of the backup's major version is installed.
var ErrServerNotFound = errors.New("PostgreSQL server binaries not found")

// ServerBinDir returns the directory of pg_ctl and postgres of PostgreSQL
// major version major: dir alone when set (source.pg_bin_dir), else the
// usual package locations, pg_config --bindir and the PATH. A data
// directory only starts under its own major version, so the version must
// match exactly.
func ServerBinDir(ctx context.Context, dir string, major int) (string, error) {
	var candidates []string
	if dir != "" {
		candidates = []string{dir}
	} else {
		m := strconv.Itoa(major)
		candidates = []string{
			"/usr/lib/postgresql/" + m + "/bin", // Debian, Ubuntu
			"/usr/pgsql-" + m + "/bin",          // PGDG RPMs
			"/opt/homebrew/opt/postgresql@" + m + "/bin",
			"/usr/local/opt/postgresql@" + m + "/bin",
		}
		if out, err := exec.CommandContext(ctx, "pg_config", "--bindir").Output(); err == nil {
			candidates = append(candidates, strings.TrimSpace(string(out)))
		}
		if p, err := exec.LookPath("pg_ctl"); err == nil {
			candidates = append(candidates, filepath.Dir(p))
		}
	}
	var errs []error
	for _, d := range candidates {
		bin := filepath.Join(d, "pg_ctl")
		if _, err := os.Stat(bin); err != nil {
			continue
		}
		got, err := ctlMajor(ctx, bin)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if got != major {
			errs = append(errs, fmt.Errorf("%s is version %d, the base backup is %d", bin, got, major))
			continue
		}
		if _, err := os.Stat(filepath.Join(d, "postgres")); err != nil {
			errs = append(errs, fmt.Errorf("%s has pg_ctl but no postgres", d))
			continue
		}
		return d, nil
	}
	errs = append(errs, fmt.Errorf("tried %v; install postgresql-%d or set source.pg_bin_dir", candidates, major))
	return "", fmt.Errorf("find PostgreSQL %d: %w: %w", major, ErrServerNotFound, errors.Join(errs...))
}

var ctlVersion = regexp.MustCompile(`\(PostgreSQL\) (\d+)`)

func ctlMajor(ctx context.Context, bin string) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, bin, "--version").Output()
	if err != nil {
		return 0, fmt.Errorf("%s --version: %w", bin, err)
	}
	m := ctlVersion.FindSubmatch(out)
	if m == nil {
		return 0, fmt.Errorf("%s --version: unrecognised output %q", bin, out)
	}
	return strconv.Atoi(string(m[1]))
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
