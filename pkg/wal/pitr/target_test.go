package pitr

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/wal/basebackup"
)

func backupAt(id, stopLSN string, stop time.Time) basebackup.Backup {
	return basebackup.Backup{Manifest: backup.Manifest{BackupID: id}, Facts: basebackup.Facts{StopLSN: stopLSN, StopTime: stop}}
}

func TestChooseTakesTheNewestBackupThatEndedBeforeTheTarget(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 11, 1, 2, 0, 0, 0, time.UTC)
	bs := []basebackup.Backup{
		backupAt("w1", "0/5000000", t0),
		backupAt("w2", "0/9000000", t0.AddDate(0, 0, 7)),
		backupAt("w3", "1/0", t0.AddDate(0, 0, 14)),
	}
	for _, c := range []struct {
		target Target
		want   string
	}{
		{Target{Latest: true}, "w3"},
		{Target{Time: t0.AddDate(0, 0, 10)}, "w2"},
		{Target{Time: t0.AddDate(0, 0, 7)}, "w2"},
		{Target{Time: t0.Add(time.Hour)}, "w1"},
		{Target{LSN: "0/9000000"}, "w2"},
		{Target{LSN: "0/8FFFFFF"}, "w1"},
		{Target{LSN: "2/0"}, "w3"},
	} {
		b, err := Choose(bs, c.target)
		require.NoError(t, err, c.target)
		require.Equal(t, c.want, b.Manifest.BackupID, c.target)
	}
	_, err := Choose(bs, Target{Time: t0.Add(-time.Hour)})
	var none *NoBackupError
	require.ErrorAs(t, err, &none)
	require.Equal(t, 3, none.Backups)
	_, err = Choose(bs, Target{Latest: true, LSN: "0/1"})
	require.ErrorContains(t, err, "exactly one")
	_, err = Choose(bs, Target{LSN: "nope"})
	require.Error(t, err)
}

func TestRecoverySettings(t *testing.T) {
	t.Parallel()
	cfg := Config{RestoreCommand: "/opt/arca wal-fetch --config '/etc/a.yaml' %f %p"}
	at := time.Date(2026, 11, 28, 10, 0, 0, 123456000, time.FixedZone("BRT", -3*3600))
	got := strings.Join(recoverySettings(cfg, Target{Time: at}, at), "\n")
	require.Contains(t, got, "restore_command = '/opt/arca wal-fetch --config ''/etc/a.yaml'' %f %p'")
	require.Contains(t, got, "recovery_target_time = '2026-11-28 13:00:00.123456+00'")
	require.Contains(t, got, "recovery_target_action = 'promote'")
	require.Contains(t, got, "archive_mode = 'off'")
	latest := strings.Join(recoverySettings(Config{RestoreCommand: "x %f %p", KeepArchiving: true}, Target{Latest: true}, at), "\n")
	require.NotContains(t, latest, "recovery_target_action")
	require.NotContains(t, latest, "archive_mode", "kept only when asked for")
	require.Error(t, Config{RestoreCommand: "cp %f"}.validate())
}
