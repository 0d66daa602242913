package basebackup_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/wal/basebackup"
)

func TestABaseBackupPrintsItsWALRangeInOneLine(t *testing.T) {
	var b basebackup.Backup
	b.Manifest = backup.Manifest{BackupID: "base1"}
	b.Manifest.Object.Size = 3 << 20
	b.Facts = basebackup.Facts{StartWAL: "000000010000000000000002", StopWAL: "000000010000000000000003",
		StopTime: time.Date(2026, 11, 30, 1, 0, 0, 0, time.UTC)}
	var w strings.Builder
	b.WriteText(&w)
	require.Equal(t, "base backup base1: WAL 000000010000000000000002 → 000000010000000000000003 (2026-11-30T01:00:00Z), 3.0 MiB sealed\n", w.String())
}
