package pitr_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/wal/basebackup"
	"github.com/arcabackup/arca/pkg/wal/pitr"
)

// A prepared data directory says which base backup it holds and the
// recovery settings written.
func TestAResultSaysWhatWasRestoredWhere(t *testing.T) {
	res := pitr.Result{Backup: basebackup.Backup{Manifest: backup.Manifest{BackupID: "base1"}}, Files: 3, Bytes: 2048,
		Settings: []string{"recovery_target_action = 'promote'"}, Duration: 1500 * time.Millisecond, PGData: "/srv/pg"}
	var w strings.Builder
	res.WriteText(&w)
	require.Equal(t, "restored base backup base1 into /srv/pg (3 files, 2.0 KiB) in 1.5s\n"+
		"  postgresql.auto.conf: recovery_target_action = 'promote'\n", w.String())
}
