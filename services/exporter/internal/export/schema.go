package export

import (
	"context"
	"fmt"
	"io"
	"strconv"

	"github.com/jackc/pgx/v5"

	"github.com/arcabackup/arca/pkg/archive"
	"github.com/arcabackup/arca/services/exporter/internal/pgdump"
)

// dumpSchema writes one pg_dump section of the tenant schema, under the
// snapshot, as an archive file; extra, if set, is appended.
func dumpSchema(ctx context.Context, cfg Config, aw *archive.Writer, bin pgdump.Binary, schema, snapshotID, section, name string, extra func(io.Writer) error) (archive.File, error) {
	fw, err := aw.Create(name, false)
	if err != nil {
		return archive.File{}, err
	}
	if err := pgdump.Run(ctx, bin, cfg.Source.ReadURL(), schemaArgs(cfg, schema, snapshotID, section), fw); err != nil {
		return archive.File{}, fmt.Errorf("dump schema %s %s: %w", schema, section, err)
	}
	if extra != nil {
		if err := extra(fw); err != nil {
			return archive.File{}, fmt.Errorf("dump schema %s %s: %w", schema, section, err)
		}
	}
	return fw.Close()
}

// schemaArgs are pg_dump's arguments for one section of exactly one schema.
func schemaArgs(cfg Config, schema, snapshotID, section string) []string {
	args := []string{"--schema-only", "--section=" + section, "--schema=" + pgdump.ExactPattern(schema),
		"--snapshot=" + snapshotID, "--no-owner", "--no-privileges"}
	if cfg.Source.LockTimeout > 0 {
		args = append(args, "--lock-wait-timeout="+strconv.FormatInt(cfg.Source.LockTimeout.Milliseconds(), 10))
	}
	return args
}

// sequenceValues writes a setval call for every sequence of the tenant
// schema. Sequences are not transactional: the values are those at export
// time, never lower than under the snapshot, so a restore cannot reuse ids.
func sequenceValues(ctx context.Context, tx pgx.Tx, schema string, w io.Writer) error {
	rows, err := tx.Query(ctx, `SELECT c.relname::text FROM pg_catalog.pg_class c
		JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
		WHERE c.relkind = 'S' AND n.nspname = $1 ORDER BY c.relname`, schema)
	if err != nil {
		return fmt.Errorf("list sequences: %w", err)
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return fmt.Errorf("list sequences: %w", err)
	}
	if _, err := io.WriteString(w, "\n-- Sequence values at export time\n"); err != nil {
		return err
	}
	idents := make([]string, len(names))
	for i, n := range names {
		idents[i] = pgx.Identifier{schema, n}.Sanitize()
	}
	vals, err := readSequences(ctx, tx, idents)
	if err != nil {
		return err
	}
	for i, ident := range idents {
		if _, err := fmt.Fprintf(w, "SELECT pg_catalog.setval(%s, %d, %t);\n", quoteLiteral(ident), vals[i].last, vals[i].called); err != nil {
			return err
		}
	}
	return nil
}

// quoteLiteral quotes s as a standard-conforming SQL string literal.
func quoteLiteral(s string) string {
	out := []byte{'\''}
	for i := 0; i < len(s); i++ {
		if s[i] == '\'' {
			out = append(out, '\'')
		}
		out = append(out, s[i])
	}
	return string(append(out, '\''))
}
