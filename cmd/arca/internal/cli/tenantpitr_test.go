package cli_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/messages"
)

// Without base backups, `restore tenant --at` keeps its meaning — the
// newest export at or before the time — and says so. (The point-in-time
// path is proven in services/exporter/internal/roundtrip: TestTenantPITR*.)
func TestRestoreTenantAtWithoutBaseBackupsRestoresTheExportAndSaysSo(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "fs")
	id := e.backup(t, messages.KindTenant, "home-1")
	before := e.snapshot(t)
	_, err := e.db.Pool.Exec(t.Context(), `DELETE FROM residents WHERE "tenantId" = 'home-1'`)
	require.NoError(t, err)

	at := time.Now().UTC().Add(time.Second).Format(time.RFC3339)
	out, errOut, code := e.arca(t, "restore", "tenant", "--tenant", "home-1", "--at", at, "--replace")
	require.Zero(t, code, "%s%s", out, errOut)
	require.Contains(t, out, "no point-in-time restore: no base backup ended before")
	require.Contains(t, out, "restored the newest logical export at or before "+at+" instead")
	require.Contains(t, out, id)
	require.Contains(t, errOut, "restoring the newest logical export")
	require.Equal(t, before, e.snapshot(t))
}
