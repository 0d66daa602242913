package pgbin

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

// ErrNotFound means no candidate of the program exists at all.
var ErrNotFound = errors.New("not found")

// Binary is a PostgreSQL program and its major version.
type Binary struct {
	Path  string
	Major int
}

// Find returns the first candidate program name for major version major
// that accept takes (nil accept takes any). With dir set, only dir is
// tried. The error joins every candidate's reason; it wraps ErrNotFound
// when no candidate exists.
func Find(ctx context.Context, dir, name string, major int, accept func(Binary) error) (Binary, error) {
	dirs := Dirs(ctx, dir, name, major)
	var errs []error
	for _, d := range dirs {
		p := filepath.Join(d, name)
		if _, err := os.Stat(p); err != nil {
			continue
		}
		got, err := Major(ctx, p)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		b := Binary{Path: p, Major: got}
		if accept != nil {
			if err := accept(b); err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", p, err))
				continue
			}
		}
		return b, nil
	}
	if len(errs) == 0 {
		return Binary{}, fmt.Errorf("%s of PostgreSQL %d (tried %s): %w", name, major, strings.Join(dirs, ", "), ErrNotFound)
	}
	return Binary{}, fmt.Errorf("%s of PostgreSQL %d: %w", name, major, errors.Join(errs...))
}

// Dirs lists the directories Find tries, in order: dir alone when set;
// else the Debian/Ubuntu, PGDG and Homebrew locations of major,
// pg_config --bindir, and the directory of name on the PATH.
func Dirs(ctx context.Context, dir, name string, major int) []string {
	if dir != "" {
		return []string{dir}
	}
	m := strconv.Itoa(major)
	dirs := []string{
		"/usr/lib/postgresql/" + m + "/bin", // Debian, Ubuntu
		"/usr/pgsql-" + m + "/bin",          // PGDG RPMs
		"/opt/homebrew/opt/postgresql@" + m + "/bin",
		"/usr/local/opt/postgresql@" + m + "/bin",
	}
	if out, err := exec.CommandContext(ctx, "pg_config", "--bindir").Output(); err == nil {
		dirs = append(dirs, strings.TrimSpace(string(out)))
	}
	if p, err := exec.LookPath(name); err == nil {
		dirs = append(dirs, filepath.Dir(p))
	}
	return dirs
}

var versionPattern = regexp.MustCompile(`\(PostgreSQL\) (\d+)`)

// Major runs "path --version" and returns the major version it prints.
func Major(ctx context.Context, path string) (int, error) {
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
	return strconv.Atoi(string(m[1]))
}
