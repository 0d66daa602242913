package tenantpitr

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/restore"
)

func TestAPointInTimeRestorePrintsTheRecoveryRowsAndSteps(t *testing.T) {
	at := time.Date(2026, 11, 28, 1, 0, 0, 0, time.UTC)
	res := Result{Tenant: "acme", At: at, BaseBackup: "base1", Restore: restore.Result{Mode: restore.ModeTarget, Restored: 9},
		Steps: []Step{{Name: "restore base", Duration: 1200 * time.Millisecond}}, RTO: 3 * time.Second, ScratchRemoved: true}
	var w strings.Builder
	res.WriteText(&w)
	require.Equal(t, "restored tenant acme as of 2026-11-28T01:00:00Z (target) by point-in-time recovery: "+
		"base backup base1, WAL replayed to the last commit at or before it (no transaction after the base backup)\n"+
		"rows restored 9, reference rows inserted 0, reference rows already present 0\n"+
		"RTO 3s: restore base 1.2s; scratch cluster removed: true\n", w.String())
	w.Reset()
	Step{Name: "replay"}.WriteProgress(&w)
	Step{Name: "replay", Duration: time.Second, Detail: "to 0/3000000"}.WriteProgress(&w)
	require.Equal(t, "tenant pitr: replay...\ntenant pitr: replay done in 1s to 0/3000000\n", w.String())
}
