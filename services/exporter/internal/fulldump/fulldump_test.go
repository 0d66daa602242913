package fulldump_test

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

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
	_, err = fulldump.Run(t.Context(), fulldump.Config{Source: source.Config{URL: db.URL}}, &out)
	require.NoError(t, err)
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
	_, err := fulldump.Run(t.Context(), fulldump.Config{Source: source.Config{URL: db.URL}, PGBinDir: t.TempDir()}, &bytes.Buffer{})
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
	_, err := fulldump.Run(t.Context(), fulldump.Config{Source: source.Config{URL: db.URL}, PGBinDir: dir}, &bytes.Buffer{})
	require.ErrorIs(t, err, pgdump.ErrVersion)
}

// TestFullDumpAuthFailure fails with the server's reason (a prompt would
// hang until the test times out).
func TestFullDumpAuthFailure(t *testing.T) {
	t.Parallel()
	_, err := fulldump.Run(t.Context(), fulldump.Config{Source: source.Config{URL: "postgres://no_such_role@127.0.0.1:5432/postgres?sslmode=disable"}}, &bytes.Buffer{})
	require.ErrorContains(t, err, "no_such_role")
}

// TestPgDumpNeverPrompts: pg_dump itself, pointed at a role that does not
// exist, exits with its message instead of waiting for a password.
func TestPgDumpNeverPrompts(t *testing.T) {
	t.Parallel()
	bin, err := pgdump.Find(t.Context(), "", 15)
	require.NoError(t, err)
	err = pgdump.Run(t.Context(), bin, "postgres://no_such_role:secret@127.0.0.1:5432/postgres", []string{"--schema-only"}, &bytes.Buffer{})
	require.ErrorContains(t, err, "no_such_role")
	require.NotContains(t, err.Error(), "secret")
}

// TestFullDumpCarriesTheGlobals: roles, memberships, role settings and
// password hashes come back from a superuser source; a source role that
// cannot read pg_authid gets the roles without their passwords, and the
// facts say so.
func TestFullDumpCarriesTheGlobals(t *testing.T) {
	t.Parallel()
	owner, member, dumper := teststack.NewRoleName(t), teststack.NewRoleName(t), teststack.NewRoleName(t)
	db := teststack.NewDatabase(t)
	_, err := db.Pool.Exec(t.Context(), fmt.Sprintf(`CREATE ROLE %[1]s LOGIN PASSWORD 'not-in-the-clear';
		CREATE ROLE %[2]s NOLOGIN; GRANT %[2]s TO %[1]s; ALTER ROLE %[1]s SET work_mem = '8MB';
		CREATE ROLE %[3]s LOGIN`, owner, member, dumper))
	require.NoError(t, err)

	g, err := fulldump.Run(t.Context(), fulldump.Config{Source: source.Config{URL: db.URL}}, &bytes.Buffer{})
	require.NoError(t, err)
	require.True(t, g.RolePasswords)
	require.GreaterOrEqual(t, g.ServerVersion, 150000)
	require.Contains(t, g.SQL, "CREATE ROLE "+owner+";")
	require.Contains(t, g.SQL, "GRANT "+member+" TO "+owner)
	require.Contains(t, g.SQL, "ALTER ROLE "+owner+" SET work_mem TO '8MB';")
	require.Regexp(t, "ALTER ROLE "+owner+" WITH .*LOGIN.* PASSWORD 'SCRAM-SHA-256\\$", g.SQL)
	require.NotContains(t, g.SQL, "not-in-the-clear")

	asDumper := strings.Replace(db.URL, "postgres://postgres@", "postgres://"+dumper+"@", 1)
	require.NotEqual(t, db.URL, asDumper)
	var out bytes.Buffer
	g, err = fulldump.Run(t.Context(), fulldump.Config{Source: source.Config{URL: asDumper}}, &out)
	require.NoError(t, err)
	require.False(t, g.RolePasswords)
	require.Contains(t, g.SQL, "CREATE ROLE "+owner+";")
	require.NotContains(t, g.SQL, "PASSWORD")
	require.Equal(t, "PGDMP", out.String()[:5])
}
