package restore

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/restore/verify"
	"github.com/arcabackup/arca/pkg/seal"
)

// FullOptions configure a full restore.
type FullOptions struct {
	// Database is the URL of the new, empty database to restore into.
	Database string
	// PGRestore is the pg_restore binary, of the dump's major version or
	// newer.
	PGRestore string
	// Jobs is pg_restore --jobs (default 1).
	Jobs int
	// TempDir holds the decrypted dump while pg_restore runs: --jobs needs
	// a seekable file, so the dump is written there in full (its size is
	// the manifest's plain_size) and removed afterwards. Default os.TempDir.
	TempDir string
	// Args are extra pg_restore arguments (--no-owner, --no-privileges...).
	Args []string
	// Globals applies the backup's globals (roles, memberships, settings,
	// tablespaces) to the target server with psql before pg_restore, so
	// that owners and grants resolve. Roles are cluster-wide: this changes
	// the server, not only the new database.
	Globals bool
	// Psql is the psql binary for Globals; default: psql beside PGRestore.
	Psql string
}

// FullResult reports a full restore.
type FullResult struct {
	BackupID  string        `json:"backup_id"`
	DumpBytes int64         `json:"dump_bytes"`
	Jobs      int           `json:"jobs"`
	Duration  time.Duration `json:"duration_ns"`
	// Globals is true when the globals were applied; GlobalsExisting
	// counts the objects (roles, tablespaces) the server had already.
	Globals         bool `json:"globals"`
	GlobalsExisting int  `json:"globals_existing,omitempty"`
	// GlobalsWithoutPasswords: the backup's source role could not read
	// role passwords, so the roles came back without them.
	GlobalsWithoutPasswords bool `json:"globals_without_passwords,omitempty"`
}

// Full restores the logical full dump m (pg_dump --format=custom), read once
// from obj, into a new database with pg_restore --jobs. The dump is
// decrypted to a temporary file first and pg_restore starts only once the
// whole object verified, so a damaged backup changes nothing. With
// opts.Globals the globals the manifest carries are applied first. pg_restore
// --jobs cannot run in one transaction: if it fails, the new database is
// partial and should be dropped.
func Full(ctx context.Context, obj io.Reader, m backup.Manifest, keys seal.KeyLookup, opts FullOptions) (FullResult, error) {
	start := time.Now()
	res, err := restoreFull(ctx, obj, m, keys, opts)
	res.Duration = time.Since(start)
	if err != nil {
		return res, fmt.Errorf("restore full backup %s: %w", m.BackupID, err)
	}
	return res, nil
}

func restoreFull(ctx context.Context, obj io.Reader, m backup.Manifest, keys seal.KeyLookup, opts FullOptions) (FullResult, error) {
	res := FullResult{BackupID: m.BackupID, Jobs: max(opts.Jobs, 1)}
	if m.Kind != "full" {
		return res, fmt.Errorf("kind %q is not a full backup", m.Kind)
	}
	if opts.Database == "" || opts.PGRestore == "" {
		return res, fmt.Errorf("a database URL and the pg_restore binary are required")
	}
	if err := checkEmpty(ctx, opts.Database); err != nil {
		return res, err
	}
	var globals backup.Globals
	if opts.Globals {
		var err error
		if globals, err = GlobalsOf(m); err != nil {
			return res, err
		}
		if opts.Psql == "" {
			opts.Psql = filepath.Join(filepath.Dir(opts.PGRestore), "psql")
		}
	}
	f, err := os.CreateTemp(opts.TempDir, "arca-full-*.dump")
	if err != nil {
		return res, fmt.Errorf("create temporary dump file: %w", err)
	}
	defer func() { _ = f.Close(); _ = os.Remove(f.Name()) }()
	s := verify.Open(ctx, obj, m, keys)
	defer func() { _ = s.Close() }() // read side: a close error loses nothing
	if res.DumpBytes, err = io.Copy(f, s); err != nil {
		return res, err
	}
	if err := s.Finish(); err != nil {
		return res, err
	}
	if err := f.Sync(); err != nil {
		return res, fmt.Errorf("write temporary dump file: %w", err)
	}
	if opts.Globals {
		if res.GlobalsExisting, err = applyGlobals(ctx, opts.Psql, opts.Database, globals, opts.TempDir); err != nil {
			return res, err
		}
		res.Globals, res.GlobalsWithoutPasswords = true, !globals.RolePasswords
	}
	args := append([]string{"--exit-on-error", "--jobs=" + strconv.Itoa(res.Jobs), "--dbname=" + opts.Database}, opts.Args...)
	cmd := exec.CommandContext(ctx, opts.PGRestore, append(args, f.Name())...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return res, fmt.Errorf("pg_restore: %w: %s", err, lastLine(stderr.String()))
	}
	return res, nil
}

// lastLine is the last non-empty line of pg_restore's messages (they name
// objects, not row data).
func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}
