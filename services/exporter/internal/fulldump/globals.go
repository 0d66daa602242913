package fulldump

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"

	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/services/exporter/internal/pgdump"
	"github.com/arcabackup/arca/services/exporter/internal/source"
)

// dumpGlobals runs pg_dumpall --globals-only (the pg_dumpall beside the
// chosen pg_dump). Role passwords live in pg_authid, which only a superuser
// reads; any other source role gets the script without them
// (--no-role-passwords) rather than a failed backup, and the facts say so.
func dumpGlobals(ctx context.Context, cfg source.Config, dump pgdump.Binary, serverVersion int) (backup.Globals, error) {
	passwords, err := canReadPasswords(ctx, cfg)
	if err != nil {
		return backup.Globals{}, err
	}
	args := []string{"--globals-only"}
	if !passwords {
		args = append(args, "--no-role-passwords")
	}
	bin := pgdump.Binary{Path: filepath.Join(filepath.Dir(dump.Path), "pg_dumpall"), Major: dump.Major}
	var out bytes.Buffer
	if err := pgdump.Run(ctx, bin, cfg.ReadURL(), args, &out); err != nil {
		return backup.Globals{}, fmt.Errorf("globals: %w", err)
	}
	return backup.Globals{SQL: out.String(), RolePasswords: passwords, ServerVersion: serverVersion}, nil
}

func canReadPasswords(ctx context.Context, cfg source.Config) (bool, error) {
	conn, err := source.Connect(ctx, cfg)
	if err != nil {
		return false, err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	var ok bool
	if err := conn.QueryRow(ctx, "SELECT has_table_privilege('pg_catalog.pg_authid', 'SELECT')").Scan(&ok); err != nil {
		return false, fmt.Errorf("globals: privilege on pg_authid: %w", err)
	}
	return ok, nil
}
