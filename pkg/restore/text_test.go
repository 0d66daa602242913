package restore_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/restore"
)

func TestATenantRestorePrintsWhatCameBackAndItsRows(t *testing.T) {
	r := restore.Result{BackupID: "b1", Tenant: "acme", Mode: restore.ModeReplace, Schema: "acme",
		Tables: []restore.TableResult{{Rows: 3}, {Rows: 4}}, Restored: 5, ReferenceInserted: 2, Deleted: 1,
		Warnings: []string{"column x: type missing"}, PlainBytes: 2048, Duration: 1500 * time.Millisecond}
	var w strings.Builder
	r.WriteText(&w)
	require.Equal(t, "restored tenant acme from backup b1 (replace): 2 tables, 7 rows, 2.0 KiB, in 1.5s\n"+
		"rows restored 5, reference rows inserted 2, reference rows already present 0, rows deleted first 1, orphans replaced 0, rows another tenant also owns kept 0\n"+
		"tenant schema: acme\n"+
		"warning: column x: type missing\n", w.String())
}

func TestAFullRestorePrintsItsGlobals(t *testing.T) {
	var w strings.Builder
	restore.FullResult{BackupID: "f1", DumpBytes: 1 << 20, Jobs: 4, Duration: time.Second, Globals: true, GlobalsExisting: 2,
		GlobalsWithoutPasswords: true}.WriteText(&w)
	require.Equal(t, "applied the globals (2 roles or tablespaces existed already)\n"+
		"the roles have no passwords: the backup's source role could not read them (not a superuser)\n"+
		"restored full backup f1 (1.0 MiB) with 4 jobs in 1s\n", w.String())
}
