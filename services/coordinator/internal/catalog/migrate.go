package catalog

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
)

//go:embed migrations/*.sql
var migrations embed.FS

// migrationLock serialises replicas migrating at once (pg_advisory_xact_lock key).
const migrationLock = 0x61726361 // "arca"

// Migrate creates the schema and applies every migration not yet applied,
// in one transaction under an advisory lock, so replicas starting together
// are harmless.
func Migrate(ctx context.Context, db DB) error {
	files, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return fmt.Errorf("migrate catalog: %w", err)
	}
	sort.Strings(files)
	err = pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, migrationLock); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `CREATE SCHEMA IF NOT EXISTS `+Schema+`;
			CREATE TABLE IF NOT EXISTS `+Schema+`.schema_migrations (
				version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`); err != nil {
			return err
		}
		for _, f := range files {
			name := strings.TrimPrefix(f, "migrations/")
			version, err := strconv.Atoi(strings.SplitN(name, "_", 2)[0])
			if err != nil {
				return fmt.Errorf("migration %s: name must start with a number", name)
			}
			tag, err := tx.Exec(ctx, `INSERT INTO `+Schema+`.schema_migrations (version) VALUES ($1) ON CONFLICT DO NOTHING`, version)
			if err != nil {
				return err
			}
			if tag.RowsAffected() == 0 {
				continue // applied before
			}
			sql, err := migrations.ReadFile(f)
			if err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, string(sql)); err != nil {
				return fmt.Errorf("migration %s: %w", name, err)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("migrate catalog: %w", err)
	}
	return nil
}

// Drop removes the whole catalog (tests, and `arca catalog rebuild --drop`).
func Drop(ctx context.Context, db DB) error {
	if _, err := db.Exec(ctx, `DROP SCHEMA IF EXISTS `+Schema+` CASCADE`); err != nil {
		return fmt.Errorf("drop catalog: %w", err)
	}
	return nil
}
