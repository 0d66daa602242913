package pgdump

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"time"
)

// ErrNotFound means no usable pg_dump was found.
var ErrNotFound = errors.New("pg_dump not found")

// ErrVersion means pg_dump is older than the server.
var ErrVersion = errors.New("pg_dump older than server")

// Binary is a pg_dump executable and its major version.
type Binary struct {
	Path  string
	Major int
}

// Find returns a pg_dump able to dump a server of major version
// serverMajor. With binDir set only binDir is tried.
func Find(ctx context.Context, binDir string, serverMajor int) (Binary, error) {
	var candidates []string
	if binDir != "" {
		candidates = []string{filepath.Join(binDir, "pg_dump")}
	} else {
		m := strconv.Itoa(serverMajor)
		candidates = []string{
			"/usr/lib/postgresql/" + m + "/bin/pg_dump", // Debian, Ubuntu
			"/usr/pgsql-" + m + "/bin/pg_dump",          // PGDG RPMs
			"/opt/homebrew/opt/postgresql@" + m + "/bin/pg_dump",
		}
		if p, err := exec.LookPath("pg_dump"); err == nil {
			candidates = append(candidates, p)
		}
	}
	var errs []error
	for _, p := range candidates {
		if _, err := os.Stat(p); err != nil {
			continue
		}
		major, err := version(ctx, p)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if major < serverMajor {
			errs = append(errs, fmt.Errorf("%s is version %d, server is %d: %w", p, major, serverMajor, ErrVersion))
			continue
		}
		return Binary{Path: p, Major: major}, nil
	}
	if len(errs) > 0 {
		return Binary{}, fmt.Errorf("find pg_dump for server %d: %w", serverMajor, errors.Join(errs...))
	}
	return Binary{}, fmt.Errorf("find pg_dump for server %d (tried %v; set pg_bin_dir): %w", serverMajor, candidates, ErrNotFound)
}

var versionPattern = regexp.MustCompile(`\(PostgreSQL\) (\d+)`)

// version runs "pg_dump --version" and returns its major version.
func version(ctx context.Context, path string) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, path, "--version").Output()
	if err != nil {
		return 0, fmt.Errorf("%s --version: %w", path, err)
	}
	m := versionPattern.FindSubmatch(out)
	if m == nil {
		return 0, fmt.Errorf("%s --version: unrecognised output %q", path, out)
	}
	major, _ := strconv.Atoi(string(m[1]))
	return major, nil
}
