package cli_test

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/cmd/arca/internal/stack"
	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/pkg/restore"
	"github.com/arcabackup/arca/pkg/teststack"
)

// TestFullBackupCarriesTheGlobals: a full backup through the pipeline
// (exporter, staging, encryptor, uploader) has the cluster's roles with
// their password hashes in its sealed manifest, and `arca restore full
// --globals` brings a role back with its password before pg_restore, so
// the restored table keeps its owner.
func TestFullBackupCarriesTheGlobals(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	// Registered first, so it runs after the databases are dropped.
	role := "arca_g_" + strings.ToLower(rand.Text()[:10])
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, teststack.AdminURL())
		require.NoError(t, err)
		defer conn.Close(ctx)
		_, err = conn.Exec(ctx, "DROP ROLE IF EXISTS "+role)
		require.NoError(t, err)
	})
	e := newEnv(t, "fs")
	_, err := e.db.Pool.Exec(ctx, "CREATE ROLE "+role+" LOGIN PASSWORD 'p4ss'; ALTER TABLE residents OWNER TO "+role)
	require.NoError(t, err)
	hash := rolePassword(t, role)
	id := e.backup(t, messages.KindFull, "")

	keys, err := stack.Keyring(ctx, e.cfg, false)
	require.NoError(t, err)
	key := e.layout.Manifest("full", "", id)
	require.NotContains(t, string(e.get(t, key)), role, "the globals are sealed")
	m, err := e.layout.OpenManifest(ctx, key, e.get(t, key), keys)
	require.NoError(t, err)
	g, err := restore.GlobalsOf(m)
	require.NoError(t, err)
	require.True(t, g.RolePasswords)
	require.Regexp(t, "ALTER ROLE "+role+" WITH .* PASSWORD 'SCRAM-SHA-256\\$", g.SQL)

	// The target server is this one, which other tests share: keep this
	// test's role (and the bootstrap superuser, which exists already) of
	// the script, reseal the manifest with it, and drop the role, as a new
	// server would not have it.
	g.SQL = teststack.OnlyRoles(g.SQL, "postgres", role)
	m.Export, err = json.Marshal(backup.FullFacts{Format: backup.FullFormat, ToolVersion: "test", Globals: &g})
	require.NoError(t, err)
	_, doc, err := e.layout.SealManifest(ctx, m, keys)
	require.NoError(t, err)
	e.put(t, key, doc)
	_, err = e.db.Pool.Exec(ctx, "DROP OWNED BY "+role+"; DROP ROLE "+role)
	require.NoError(t, err)

	target := teststack.NewDatabase(t)
	out, errOut, code := e.arca(t, "restore", "full", "--backup", id, "--target", target.URL, "--globals", "--jobs", "1")
	require.Equal(t, 0, code, errOut)
	require.Contains(t, out, "applied the globals (1 roles or tablespaces existed already)")
	require.Equal(t, hash, rolePassword(t, role))
	var owner string
	require.NoError(t, target.Pool.QueryRow(ctx, `SELECT tableowner FROM pg_tables WHERE tablename = 'residents'`).Scan(&owner))
	require.Equal(t, role, owner)
}

func rolePassword(t *testing.T, role string) string {
	t.Helper()
	conn, err := pgx.Connect(t.Context(), teststack.AdminURL())
	require.NoError(t, err)
	defer conn.Close(context.Background())
	var h string
	require.NoError(t, conn.QueryRow(t.Context(), `SELECT rolpassword FROM pg_authid WHERE rolname = $1`, role).Scan(&h))
	return h
}
