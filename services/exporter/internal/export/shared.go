package export

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/arcabackup/arca/pkg/archive"
	"github.com/arcabackup/arca/pkg/tenancy"
	"github.com/arcabackup/arca/services/exporter/internal/pgdump"
)

// sharedSchemas are the schemas of the plan's shared tables.
func sharedSchemas(plan *tenancy.Plan) []string {
	var out []string
	for _, t := range plan.Tables {
		if t.Schema != plan.Tenant.Schema && !slices.Contains(out, t.Schema) {
			out = append(out, t.Schema)
		}
	}
	slices.Sort(out)
	return out
}

// dumpShared writes one pg_dump section of the shared schemas (all of their
// tables, types and functions, excluded tables left out), under the
// snapshot, as an archive file; extra, if set, is appended. A restore into
// an empty database creates the shared tables from it with their keys,
// defaults and indexes, and the types and functions they use.
func dumpShared(ctx context.Context, cfg Config, aw *archive.Writer, bin pgdump.Binary, schemas []string, snapshotID, section, name string, extra func(io.Writer) error) error {
	fw, err := aw.Create(name, false)
	if err != nil {
		return err
	}
	if err := dumpSharedTo(ctx, cfg, fw, bin, schemas, snapshotID, section, extra); err != nil {
		return err
	}
	_, err = fw.Close()
	return err
}

// dumpSharedTo writes what dumpShared puts in its file to fw.
func dumpSharedTo(ctx context.Context, cfg Config, fw io.Writer, bin pgdump.Binary, schemas []string, snapshotID, section string, extra func(io.Writer) error) error {
	if len(schemas) > 0 {
		args := []string{"--schema-only", "--section=" + section, "--snapshot=" + snapshotID, "--no-owner", "--no-privileges"}
		for _, s := range schemas {
			args = append(args, "--schema="+pgdump.ExactPattern(s))
		}
		for _, e := range cfg.Tenancy.Exclude {
			s, t, _ := strings.Cut(e, ".")
			args = append(args, "--exclude-table="+pgdump.ExactPattern(s)+"."+pgdump.ExactPattern(t))
		}
		if cfg.Source.LockTimeout > 0 {
			args = append(args, "--lock-wait-timeout="+strconv.FormatInt(cfg.Source.LockTimeout.Milliseconds(), 10))
		}
		if err := pgdump.Run(ctx, bin, cfg.Source.ReadURL(), args, fw); err != nil {
			return fmt.Errorf("dump shared schemas %s: %w", section, err)
		}
	}
	if extra != nil {
		if err := extra(fw); err != nil {
			return fmt.Errorf("dump shared schemas %s: %w", section, err)
		}
	}
	return nil
}

// sharedSequenceValues writes, for every sequence of the shared schemas, a
// setval that never moves a sequence back: a restore into a database whose
// sequence is already ahead keeps it there.
func sharedSequenceValues(ctx context.Context, tx pgx.Tx, schemas []string, w io.Writer) error {
	idents, err := sharedSequences(ctx, tx, schemas)
	if err != nil {
		return err
	}
	return writeSharedSequenceValues(ctx, tx, idents, w)
}

// sharedSequences lists the sequences of the shared schemas, quoted.
func sharedSequences(ctx context.Context, tx pgx.Tx, schemas []string) ([]string, error) {
	rows, err := tx.Query(ctx, `SELECT n.nspname::text, c.relname::text FROM pg_catalog.pg_class c
		JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
		WHERE c.relkind = 'S' AND n.nspname = ANY($1) ORDER BY 1, 2`, schemas)
	if err != nil {
		return nil, fmt.Errorf("list shared sequences: %w", err)
	}
	type seq struct{ Schema, Name string }
	seqs, err := pgx.CollectRows(rows, pgx.RowToStructByPos[seq])
	if err != nil {
		return nil, fmt.Errorf("list shared sequences: %w", err)
	}
	idents := make([]string, len(seqs))
	for i, s := range seqs {
		idents[i] = pgx.Identifier{s.Schema, s.Name}.Sanitize()
	}
	return idents, nil
}

// writeSharedSequenceValues reads the sequences' values under tx and
// writes their setvals.
func writeSharedSequenceValues(ctx context.Context, tx pgx.Tx, idents []string, w io.Writer) error {
	if _, err := io.WriteString(w, "\n-- Shared sequence values at export time, never moved back\n"); err != nil {
		return err
	}
	vals, err := readSequences(ctx, tx, idents)
	if err != nil {
		return err
	}
	for i, ident := range idents {
		if !vals[i].called {
			continue
		}
		last := vals[i].last
		if _, err := fmt.Fprintf(w, "SELECT pg_catalog.setval(%s, %d) FROM %s WHERE last_value < %d OR NOT is_called;\n",
			quoteLiteral(ident), last, ident, last); err != nil {
			return err
		}
	}
	return nil
}

// sequenceValue is one sequence's state.
type sequenceValue struct {
	last   int64
	called bool
}

// readSequences reads the sequences' values in one statement, not one per
// sequence: each statement costs a round trip to the server.
func readSequences(ctx context.Context, tx pgx.Tx, idents []string) ([]sequenceValue, error) {
	if len(idents) == 0 {
		return nil, nil
	}
	parts := make([]string, len(idents))
	for i, ident := range idents {
		parts[i] = "SELECT " + strconv.Itoa(i) + ", last_value, is_called FROM " + ident
	}
	rows, err := tx.Query(ctx, strings.Join(parts, " UNION ALL "))
	if err != nil {
		return nil, fmt.Errorf("read sequences: %w", err)
	}
	defer rows.Close()
	out := make([]sequenceValue, len(idents))
	for rows.Next() {
		var i int
		var v sequenceValue
		if err := rows.Scan(&i, &v.last, &v.called); err != nil {
			return nil, fmt.Errorf("read sequences: %w", err)
		}
		out[i] = v
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read sequences: %w", err)
	}
	return out, nil
}
