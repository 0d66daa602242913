package cli_test

import (
	"context"
	"crypto/rand"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/cmd/arca/internal/stack"
	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/pkg/restore"
	"github.com/arcabackup/arca/pkg/teststack"
)

// TestFullBackupCarriesTheGlobals: a full backup through the pipeline
// (exporter, staging, encryptor, uploader) has the cluster's roles with
// their password hashes in its sealed manifest, and `arca restore full
// --globals` is a flag of the command. (Applying them is tested in
// services/exporter/internal/roundtrip, on this test's roles only: this
// PostgreSQL is shared with tests that create and drop roles of their own.)
func TestFullBackupCarriesTheGlobals(t *testing.T) {
	t.Parallel()
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
	_, err := e.db.Pool.Exec(t.Context(), "CREATE ROLE "+role+" LOGIN PASSWORD 'p4ss'")
	require.NoError(t, err)
	id := e.backup(t, messages.KindFull, "")

	keys, err := stack.Keyring(t.Context(), e.cfg, false)
	require.NoError(t, err)
	key := e.layout.Manifest("full", "", id)
	m, err := e.layout.OpenManifest(t.Context(), key, e.get(t, key), keys)
	require.NoError(t, err)
	g, err := restore.GlobalsOf(m)
	require.NoError(t, err)
	require.True(t, g.RolePasswords)
	require.Regexp(t, "ALTER ROLE "+role+" WITH .* PASSWORD 'SCRAM-SHA-256\\$", g.SQL)
	require.NotContains(t, string(e.get(t, key)), role, "the globals are sealed")

	out, _, code := e.arca(t, "restore", "full", "--help")
	require.Equal(t, 0, code)
	require.Contains(t, out, "--globals")
}
