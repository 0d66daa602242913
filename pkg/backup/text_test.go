package backup_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/backup"
)

func TestRowsPrintAsATable(t *testing.T) {
	yes := true
	var w strings.Builder
	backup.Rows{{BackupID: "b1", Kind: "tenant", Tenant: "acme", Created: time.Date(2026, 11, 30, 1, 2, 3, 0, time.UTC),
		Bytes: 1024, PlainBytes: 4096, Verified: &yes}}.WriteText(&w)
	lines := strings.Split(strings.TrimSpace(w.String()), "\n")
	require.Regexp(t, `^BACKUP\s+KIND\s+TENANT\s+CREATED\s+STORED\s+RAW\s+VERIFIED$`, lines[0])
	require.Regexp(t, `^b1\s+tenant\s+acme\s+2026-11-30 01:02:03Z\s+1\.0 KiB\s+4\.0 KiB\s+true$`, lines[1])
}

func TestASurveyOfNothingNamesTheBucket(t *testing.T) {
	var w strings.Builder
	backup.Surveyed{}.WriteText(&w, "s3://arca/")
	require.Equal(t, "no backups in s3://arca/\n", w.String())
}
