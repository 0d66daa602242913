package tenantrestore_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/restore"
	"github.com/arcabackup/arca/pkg/restore/tenantpitr"
	"github.com/arcabackup/arca/pkg/restore/tenantrestore"
)

// A logical restore in place of a point in time says why and what it
// restored instead; --json is the logical restore's result, or the
// point-in-time restore's.
func TestAResultSaysWhatWasRestoredInsteadOfAPointInTime(t *testing.T) {
	at := time.Date(2026, 11, 28, 1, 0, 0, 0, time.FixedZone("", -3*3600))
	res := tenantrestore.Result{Tenant: restore.Result{BackupID: "b1", Tenant: "acme"}, NotCovered: "no base backup ended before it", At: at,
		Backup: backup.Entry{Manifest: backup.Manifest{CreatedAt: time.Date(2026, 11, 27, 3, 0, 0, 0, time.UTC)}}}
	var w strings.Builder
	res.WriteText(&w)
	require.True(t, strings.HasPrefix(w.String(), "no point-in-time restore: no base backup ended before it\n"+
		"restored the newest logical export at or before 2026-11-28T01:00:00-03:00 instead, taken at 2026-11-27T03:00:00Z: "+
		"the tenant's changes after that are not restored\nrestored tenant acme from backup b1"), w.String())
	doc, err := json.Marshal(res)
	require.NoError(t, err)
	want, err := json.Marshal(res.Tenant)
	require.NoError(t, err)
	require.JSONEq(t, string(want), string(doc))

	res.PITR = &tenantpitr.Result{}
	doc, err = json.Marshal(res)
	require.NoError(t, err)
	want, err = json.Marshal(res.PITR)
	require.NoError(t, err)
	require.JSONEq(t, string(want), string(doc))
}
