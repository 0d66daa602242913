package roundtrip_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/restore"
	"github.com/arcabackup/arca/pkg/teststack"
	"github.com/arcabackup/arca/services/exporter/internal/fulldump"
	"github.com/arcabackup/arca/services/exporter/internal/source"
)

// TestFullRestoreAppliesTheGlobals: a full backup's roles, their password
// hashes and memberships come back on a server that lacks them, before
// pg_restore, so the restored tables keep their owner and grants. A full
// backup without globals is refused for --globals before anything changes.
func TestFullRestoreAppliesTheGlobals(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	owner, reader := teststack.NewRoleName(t), teststack.NewRoleName(t)
	src := teststack.NewDatabase(t)
	runSQL(t, src, fmt.Sprintf(`CREATE ROLE %[1]s LOGIN PASSWORD 'p4ss'; CREATE ROLE %[2]s NOLOGIN;
		GRANT %[2]s TO %[1]s; ALTER ROLE %[2]s SET statement_timeout = '5min';
		CREATE TABLE public.notes (id int PRIMARY KEY, body text); INSERT INTO public.notes VALUES (1, 'olá');
		ALTER TABLE public.notes OWNER TO %[1]s; GRANT SELECT ON public.notes TO %[2]s`, owner, reader))
	hash := password(t, owner)

	var dump bytes.Buffer
	g, err := fulldump.Run(ctx, fulldump.Config{Source: source.Config{URL: src.URL}}, &dump)
	require.NoError(t, err)
	// The target server is this one, which other tests share: keep this
	// test's roles (and the bootstrap superuser, which exists already) of
	// the script, and drop them, as a new server would not have them.
	g.SQL = teststack.OnlyRoles(g.SQL, "postgres", owner, reader)
	runSQL(t, src, fmt.Sprintf(`DROP OWNED BY %[1]s, %[2]s; DROP ROLE %[1]s; DROP ROLE %[2]s`, owner, reader))

	keys, kek := newKeys(t)
	s := sealParts(t, kek, "full-g", "full", "", dump.Bytes(), dump.Len()/2+1, false)
	s.m.Export, err = json.Marshal(backup.FullFacts{Format: backup.FullFormat, ToolVersion: "test", Globals: &g})
	require.NoError(t, err)
	opts := func(db *teststack.Database) restore.FullOptions {
		return restore.FullOptions{Database: db.URL, PGRestore: teststack.PGBin(t, "pg_restore"), TempDir: t.TempDir(), Globals: true}
	}

	target := teststack.NewDatabase(t)
	res, err := restore.Full(ctx, s.open(), s.m, keys, opts(target))
	require.NoError(t, err)
	require.True(t, res.Globals)
	require.False(t, res.GlobalsWithoutPasswords)
	require.Equal(t, 1, res.GlobalsExisting, "CREATE ROLE postgres: already exists")
	require.Equal(t, hash, password(t, owner))
	var member, own, canRead bool
	require.NoError(t, target.Pool.QueryRow(ctx, `SELECT pg_has_role($1, $2, 'MEMBER'),
		(SELECT tableowner = $1 FROM pg_tables WHERE tablename = 'notes'), has_table_privilege($2, 'public.notes', 'SELECT')`,
		owner, reader).Scan(&member, &own, &canRead))
	require.True(t, member && own && canRead, "member %v owner %v select %v", member, own, canRead)

	// Any error but "already exists" fails the restore before pg_restore.
	broken := s
	bad := g
	bad.SQL = strings.Replace(g.SQL, "CREATE ROLE "+owner+";", "CREATE TABLESPACE arca_g_nowhere LOCATION '/nonexistent/arca';\nCREATE ROLE "+owner+";", 1)
	require.NotEqual(t, g.SQL, bad.SQL)
	broken.m.Export, err = json.Marshal(backup.FullFacts{Format: backup.FullFormat, Globals: &bad})
	require.NoError(t, err)
	empty := teststack.NewDatabase(t)
	_, err = restore.Full(ctx, broken.open(), broken.m, keys, opts(empty))
	require.ErrorContains(t, err, `globals: failed statements (1): 58P01 directory "/nonexistent/arca" does not exist`)
	require.Empty(t, everything(t, empty.URL))

	none := s
	none.m.Export, err = json.Marshal(backup.FullFacts{Format: backup.FullFormat, ToolVersion: "old"})
	require.NoError(t, err)
	empty = teststack.NewDatabase(t)
	_, err = restore.Full(ctx, none.open(), none.m, keys, opts(empty))
	require.ErrorIs(t, err, restore.ErrNoGlobals)
	require.Empty(t, everything(t, empty.URL))
}

func password(t *testing.T, role string) string {
	t.Helper()
	conn, err := pgx.Connect(t.Context(), teststack.AdminURL())
	require.NoError(t, err)
	defer conn.Close(context.Background())
	var h string
	require.NoError(t, conn.QueryRow(t.Context(), `SELECT rolpassword FROM pg_authid WHERE rolname = $1`, role).Scan(&h))
	return h
}
