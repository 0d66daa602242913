package fulldump_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/teststack"
	"github.com/arcabackup/arca/services/exporter/internal/fulldump"
	"github.com/arcabackup/arca/services/exporter/internal/pgdump"
	"github.com/arcabackup/arca/services/exporter/internal/source"
)

func TestFullDumpStreamsCustomFormat(t *testing.T) {
	t.Parallel()
	db := teststack.NewDatabase(t)
	_, err := db.Pool.Exec(t.Context(), `CREATE TABLE public.notes (id int PRIMARY KEY, body text); INSERT INTO public.notes VALUES (1, 'olá')`)
	require.NoError(t, err)
	var out bytes.Buffer
	// No pg_bin_dir: found by the server's major version.
	require.NoError(t, fulldump.Run(t.Context(), fulldump.Config{Source: source.Config{URL: db.URL}}, &out))
	require.Equal(t, "PGDMP", out.String()[:5])

	f := filepath.Join(t.TempDir(), "dump")
	require.NoError(t, os.WriteFile(f, out.Bytes(), 0o600))
	list, err := exec.CommandContext(t.Context(), teststack.PGBin(t, "pg_restore"), "--list", f).CombinedOutput()
	require.NoError(t, err, string(list))
	require.Contains(t, string(list), "TABLE DATA public notes")
}

func TestFullDumpMissingBinary(t *testing.T) {
	t.Parallel()
	db := teststack.NewDatabase(t)
	err := fulldump.Run(t.Context(), fulldump.Config{Source: source.Config{URL: db.URL}, PGBinDir: t.TempDir()}, &bytes.Buffer{})
	require.ErrorIs(t, err, pgdump.ErrNotFound)
}

// TestFullDumpOlderBinary: a pg_dump older than the server is refused
// before it runs.
func TestFullDumpOlderBinary(t *testing.T) {
	t.Parallel()
	db := teststack.NewDatabase(t)
	dir := t.TempDir()
	fake := "#!/bin/sh\necho 'pg_dump (PostgreSQL) 9.6.24'\n"
	require.NoError(t, os.WriteFile(filepath.Join(dir, "pg_dump"), []byte(fake), 0o700))
	err := fulldump.Run(t.Context(), fulldump.Config{Source: source.Config{URL: db.URL}, PGBinDir: dir}, &bytes.Buffer{})
	require.ErrorIs(t, err, pgdump.ErrVersion)
}

// TestFullDumpAuthFailure fails quickly with the server's reason.
func TestFullDumpAuthFailure(t *testing.T) {
	t.Parallel()
	start := time.Now()
	err := fulldump.Run(t.Context(), fulldump.Config{Source: source.Config{URL: "postgres://no_such_role@127.0.0.1:5432/postgres?sslmode=disable"}}, &bytes.Buffer{})
	require.ErrorContains(t, err, "no_such_role")
	require.Less(t, time.Since(start), 10*time.Second)
}

// TestPgDumpNeverPrompts: pg_dump itself, pointed at a role that does not
// exist, exits with its message instead of waiting for a password.
func TestPgDumpNeverPrompts(t *testing.T) {
	t.Parallel()
	bin, err := pgdump.Find(t.Context(), "", 15)
	require.NoError(t, err)
	start := time.Now()
	err = pgdump.Run(t.Context(), bin, "postgres://no_such_role:secret@127.0.0.1:5432/postgres", []string{"--schema-only"}, &bytes.Buffer{})
	require.ErrorContains(t, err, "no_such_role")
	require.NotContains(t, err.Error(), "secret")
	require.Less(t, time.Since(start), 10*time.Second)
}
