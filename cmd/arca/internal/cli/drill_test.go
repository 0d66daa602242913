package cli_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/messages"
)

// arca drill restores each tenant's newest backup and the newest full dump
// into scratch databases and reports both; a tenant without a backup fails
// the drill with one line naming it.
func TestDrillRestoresTenantsAndTheFullDump(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "fs")
	id := e.backup(t, messages.KindTenant, "home-1")
	full := e.backup(t, messages.KindFull, "")

	out, errOut, code := e.arca(t, "--json", "drill", "--tenants", "home-1")
	require.Equal(t, 0, code, errOut)
	var rep struct {
		Tenants struct {
			Passed  bool `json:"passed"`
			Tenants []struct {
				Tenant     string  `json:"tenant"`
				BackupID   string  `json:"backup_id"`
				Passed     bool    `json:"passed"`
				RTOSeconds float64 `json:"rto_seconds"`
			} `json:"tenants"`
		} `json:"tenants"`
		Full struct {
			BackupID string `json:"backup_id"`
			Passed   bool   `json:"passed"`
			Tables   int    `json:"tables"`
			Rows     int64  `json:"rows"`
		} `json:"full"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &rep), out)
	require.True(t, rep.Tenants.Passed)
	require.Len(t, rep.Tenants.Tenants, 1)
	require.Equal(t, id, rep.Tenants.Tenants[0].BackupID)
	require.Positive(t, rep.Tenants.Tenants[0].RTOSeconds)
	require.Equal(t, full, rep.Full.BackupID)
	require.True(t, rep.Full.Passed)
	require.Equal(t, 2, rep.Full.Tables)
	require.Equal(t, int64(18), rep.Full.Rows, "3 homes and 15 residents")

	_, errOut, code = e.arca(t, "drill", "--tenants", "home-1,home-2")
	require.Equal(t, 1, code)
	lines := strings.Split(strings.TrimSpace(errOut), "\n")
	require.Len(t, lines, 1, errOut)
	require.Contains(t, lines[0], "arca: drill failed: home-2 (): find newest backup: no backup of tenant home-2 found")
}
