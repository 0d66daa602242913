package restore

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strings"

	"github.com/arcabackup/arca/pkg/backup"
)

// ErrNoGlobals: the full backup was taken before Arca dumped the globals.
var ErrNoGlobals = errors.New("the backup carries no globals (taken before full backups dumped them)")

// GlobalsOf returns the globals a full backup's manifest carries.
func GlobalsOf(m backup.Manifest) (backup.Globals, error) {
	var f backup.FullFacts
	if len(m.Export) > 0 {
		if err := json.Unmarshal(m.Export, &f); err != nil {
			return backup.Globals{}, fmt.Errorf("export facts: %w", err)
		}
	}
	if f.Globals == nil {
		return backup.Globals{}, ErrNoGlobals
	}
	return *f.Globals, nil
}

// sqlState finds the SQLSTATE in psql's messages at VERBOSITY verbose:
// "psql:FILE:LINE: ERROR:  42710: role "x" already exists".
var sqlState = regexp.MustCompile(`ERROR:  ([0-9A-Z]{5}): (.*)`)

// applyGlobals runs the globals script with psql against the server of
// database, as pg_dumpall's output is meant to be run: statement by
// statement, going on after an error. "Already exists" (SQLSTATE 42710) is
// expected for the roles the target server has already (its bootstrap
// superuser at least; the ALTER ROLE after each CREATE ROLE still sets the
// attributes); it returns how many there were. Any other error is returned,
// with every message.
func applyGlobals(ctx context.Context, psql, database string, g backup.Globals, tempDir string) (int, error) {
	f, err := os.CreateTemp(tempDir, "arca-globals-*.sql")
	if err != nil {
		return 0, fmt.Errorf("create temporary globals file: %w", err)
	}
	defer func() { _ = f.Close(); _ = os.Remove(f.Name()) }()
	if _, err := f.WriteString(g.SQL); err != nil {
		return 0, fmt.Errorf("write temporary globals file: %w", err)
	}
	if err := f.Close(); err != nil {
		return 0, fmt.Errorf("write temporary globals file: %w", err)
	}
	cmd := exec.CommandContext(ctx, psql, "--no-psqlrc", "--no-password", "--quiet", "--set=ON_ERROR_STOP=0",
		"--set=VERBOSITY=verbose", "--dbname="+database, "--file="+f.Name())
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	runErr := cmd.Run()
	existing := 0
	var failed []string
	for line := range strings.Lines(stderr.String()) {
		m := sqlState.FindStringSubmatch(line)
		switch {
		case m == nil:
		case m[1] == "42710":
			existing++
		default:
			failed = append(failed, m[1]+" "+strings.TrimSpace(m[2]))
		}
	}
	if runErr != nil {
		return existing, fmt.Errorf("psql: %w: %s", runErr, lastLine(stderr.String()))
	}
	if len(failed) > 0 {
		return existing, fmt.Errorf("globals: failed statements (%d): %s", len(failed), strings.Join(failed, "; "))
	}
	return existing, nil
}
