package pitr

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// recoverySettings are the lines appended to postgresql.auto.conf.
func recoverySettings(cfg Config, t Target, now time.Time) []string {
	lines := []string{
		fmt.Sprintf("# arca restore pitr, %s, target %s", now.UTC().Format(time.RFC3339), t),
		"restore_command = " + Quote(cfg.RestoreCommand),
		"recovery_target_timeline = 'latest'",
	}
	switch {
	case !t.Time.IsZero():
		lines = append(lines, "recovery_target_time = "+Quote(t.Time.UTC().Format("2006-01-02 15:04:05.999999")+"+00"))
	case t.LSN != "":
		lines = append(lines, "recovery_target_lsn = "+Quote(t.LSN))
	}
	if !t.Latest {
		lines = append(lines, "recovery_target_action = "+Quote(cfg.action()))
	}
	if !cfg.KeepArchiving {
		lines = append(lines, "archive_mode = 'off'")
	}
	return lines
}

// Quote renders a configuration string value.
func Quote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// AutoConf is the file in a data directory whose settings override
// postgresql.conf: where a restore writes its own.
const AutoConf = "postgresql.auto.conf"

// AppendSettings appends lines to pgdata's postgresql.auto.conf (created
// 0600 if missing). It does not sync: callers that need the settings to
// survive a crash sync the file themselves.
func AppendSettings(pgdata string, lines []string) error {
	f, err := os.OpenFile(filepath.Join(pgdata, AutoConf), os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.WriteString("\n" + strings.Join(lines, "\n") + "\n"); err != nil {
		_ = f.Close()
		return err
	}
	return f.Close()
}

// writeRecovery appends the settings and creates recovery.signal, both
// fsynced (the directory is synced by the caller).
func writeRecovery(pgdata string, lines []string, syncFn func(*os.File) error) error {
	if err := AppendSettings(pgdata, lines); err != nil {
		return err
	}
	signal := filepath.Join(pgdata, "recovery.signal")
	if err := os.WriteFile(signal, nil, 0o600); err != nil {
		return err
	}
	return errors.Join(syncPath(filepath.Join(pgdata, AutoConf), syncFn), syncPath(signal, syncFn))
}
