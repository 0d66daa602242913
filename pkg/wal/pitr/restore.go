package pitr

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/objstore"
	"github.com/arcabackup/arca/pkg/seal"
	"github.com/arcabackup/arca/pkg/wal/basebackup"
)

// Result tells what Restore did.
type Result struct {
	Backup   basebackup.Backup
	Files    int
	Bytes    int64
	Settings []string // appended to postgresql.auto.conf
	Duration time.Duration
	PGData   string `json:"-"` // the data directory prepared
}

// Restore prepares pgdata (absent or empty) for point-in-time recovery to
// target: it unpacks the newest base backup that ended before the target
// and writes the recovery settings and recovery.signal. Starting the server
// (Start, or the operator's service manager) performs the recovery.
func Restore(ctx context.Context, cfg Config, target Target, pgdata string) (Result, error) {
	start := time.Now()
	res, err := restore(ctx, cfg, target, pgdata)
	res.Duration, res.PGData = time.Since(start), pgdata
	if err != nil {
		return res, fmt.Errorf("restore pitr into %s: %w", pgdata, err)
	}
	return res, nil
}

func restore(ctx context.Context, cfg Config, target Target, pgdata string) (Result, error) {
	if err := errors.Join(cfg.validate(), target.validate()); err != nil {
		return Result{}, err
	}
	if err := emptyDir(pgdata); err != nil {
		return Result{}, err
	}
	b, err := pick(ctx, cfg, target)
	if err != nil {
		return Result{}, err
	}
	res := Result{Backup: b}
	res.Files, res.Bytes, err = unpack(ctx, cfg, b, pgdata)
	if err != nil {
		return res, err
	}
	for _, d := range []string{"pg_wal/archive_status"} {
		if err := os.MkdirAll(filepath.Join(pgdata, d), 0o700); err != nil {
			return res, err
		}
	}
	res.Settings = recoverySettings(cfg, target, time.Now())
	if err := writeRecovery(pgdata, res.Settings, cfg.syncFile); err != nil {
		return res, err
	}
	// The files are synced; now the names: every directory, deepest first.
	if err := syncTree(pgdata, cfg.syncFile); err != nil {
		return res, fmt.Errorf("sync %s: %w", pgdata, err)
	}
	return res, nil
}

func pick(ctx context.Context, cfg Config, target Target) (basebackup.Backup, error) {
	found, err := basebackup.List(ctx, cfg.Store, cfg.Layout, cfg.Keys)
	if err != nil {
		return basebackup.Backup{}, err
	}
	if cfg.BackupID == "" {
		// A refused manifest may be the base backup the target needs:
		// choosing among the others could silently pick a worse one.
		if err := found.Err(); err != nil {
			return basebackup.Backup{}, fmt.Errorf("choose a base backup (or name one): %w", err)
		}
		return Choose(found.Backups, target)
	}
	for _, b := range found.Backups {
		if b.Manifest.BackupID == cfg.BackupID {
			return b, nil
		}
	}
	// Not among those listed: say why when its manifest is there (refused,
	// or its key out of reach), rather than "not found".
	named := cfg.Layout.Manifest("base", "", cfg.BackupID)
	repo := backup.Repository{Store: cfg.Store, Layout: cfg.Layout, Keys: cfg.Keys}
	if _, err := repo.Manifest(ctx, named); err != nil && !errors.Is(err, objstore.ErrNotFound) {
		return basebackup.Backup{}, fmt.Errorf("base backup %s: %w", cfg.BackupID, err)
	}
	return basebackup.Backup{}, fmt.Errorf("base backup %s: %w", cfg.BackupID, objstore.ErrNotFound)
}

// unpack streams the sealed artifact into pgdata and checks its plaintext
// SHA-256 against the manifest.
func unpack(ctx context.Context, cfg Config, b basebackup.Backup, pgdata string) (int, int64, error) {
	m := b.Manifest
	rc, err := cfg.Store.Get(ctx, m.Object.Key, objstore.Range{})
	if err != nil {
		return 0, 0, err
	}
	defer func() { _ = rc.Close() }() // read side: a close error loses nothing
	sr := seal.NewReader(rc, "base/"+m.BackupID, cfg.Keys)
	defer func() { _ = sr.Close() }() // read side: a close error loses nothing
	h := sha256.New()
	tee := io.TeeReader(sr, h)
	d := newDurable(cfg.syncFile)
	files, n, err := untar(tee, pgdata, d)
	if serr := d.Wait(); err == nil && serr != nil {
		err = fmt.Errorf("sync: %w", serr)
	}
	if err != nil {
		return files, n, fmt.Errorf("unpack base backup %s: %w", m.BackupID, err)
	}
	if _, err := io.Copy(io.Discard, tee); err != nil { // tar padding; io.EOF only once the last part authenticated
		return files, n, fmt.Errorf("unpack base backup %s: %w", m.BackupID, err)
	}
	if got := hex.EncodeToString(h.Sum(nil)); m.PlainSHA256 != "" && got != m.PlainSHA256 {
		return files, n, fmt.Errorf("unpack base backup %s: plaintext SHA-256 %s, manifest says %s", m.BackupID, got, m.PlainSHA256)
	}
	return files, n, nil
}

// emptyDir creates dir with mode 0700 or checks that it is empty.
func emptyDir(dir string) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return os.MkdirAll(dir, 0o700)
	}
	if err != nil {
		return err
	}
	if len(entries) > 0 {
		return fmt.Errorf("%s is not empty", dir)
	}
	return os.Chmod(dir, 0o700)
}
