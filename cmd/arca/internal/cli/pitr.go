package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/arcabackup/arca/cmd/arca/internal/stack"
	"github.com/arcabackup/arca/pkg/texttable"
	"github.com/arcabackup/arca/pkg/wal/pitr"
)

func (a *app) restorePITRCmd() *cobra.Command {
	var targetTime, targetLSN, pgdata, backupID, action, restoreCommand, pgctl string
	var latest, keepArchiving, start bool
	var port int
	cmd := command("pitr", cobra.NoArgs,
		"Prepare a data directory for point-in-time recovery from a base backup and the WAL archive",
		func(ctx context.Context, _ []string) error {
			var target pitr.Target
			switch {
			case targetTime != "" && targetLSN == "" && !latest:
				t, err := time.Parse(time.RFC3339, targetTime)
				if err != nil {
					return usageError{fmt.Errorf("--target-time: %w", err)}
				}
				target.Time = t
			case targetLSN != "" && targetTime == "" && !latest:
				target.LSN = targetLSN
			case latest && targetTime == "" && targetLSN == "":
				target.Latest = true
			default:
				return usageError{errors.New("choose exactly one of --target-time, --target-lsn, --latest")}
			}
			if pgdata == "" {
				return usageError{errors.New("--pgdata DIR is required")}
			}
			if restoreCommand == "" {
				restoreCommand = stack.WALFetchCommand(a.configPath)
			}
			c := pitr.Config{RestoreCommand: restoreCommand, Action: action, KeepArchiving: keepArchiving, BackupID: backupID}
			res, err := stack.RestorePITR(ctx, a.cfg, c, target, pgdata, a.errOut)
			if err != nil {
				return err
			}
			a.emit(res, func(w io.Writer) {
				fmt.Fprintf(w, "restored base backup %s into %s (%d files, %s) in %s\n",
					res.Backup.Manifest.BackupID, pgdata, res.Files, texttable.Bytes(res.Bytes), res.Duration.Round(time.Millisecond))
				for _, s := range res.Settings {
					fmt.Fprintln(w, "  postgresql.auto.conf:", s)
				}
				if !start {
					fmt.Fprintf(w, "start it with: pg_ctl -D %s start  (the environment must hold %s for wal-fetch)\n", pgdata, a.cfg.Keys.PassphraseEnv)
				}
			})
			if start {
				return pitr.Start(ctx, pgdata, pitr.StartOptions{PGCtl: pgctl, Port: port})
			}
			return nil
		})
	f := cmd.Flags()
	f.StringVar(&targetTime, "target-time", "", "recover to this moment (RFC 3339)")
	f.StringVar(&targetLSN, "target-lsn", "", "recover to this WAL position (X/Y)")
	f.BoolVar(&latest, "latest", false, "recover every archived transaction")
	f.StringVar(&pgdata, "pgdata", "", "new, empty data directory")
	f.StringVar(&backupID, "backup", "", "base backup to use (default: the newest before the target)")
	f.StringVar(&action, "target-action", "promote", "promote, pause or shutdown at the target")
	f.BoolVar(&keepArchiving, "keep-archiving", false, "keep archiving into this archive after promotion (only when replacing the lost primary; default: archive_mode=off)")
	f.BoolVar(&start, "start", false, "start the server")
	f.StringVar(&pgctl, "pg-ctl", "", "pg_ctl binary for --start")
	f.IntVar(&port, "port", 0, "port for --start")
	f.StringVar(&restoreCommand, "restore-command", "", "restore_command (default: this binary's wal-fetch)")
	return cmd
}
