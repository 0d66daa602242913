package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/arcabackup/arca/cmd/arca/internal/stack"
	"github.com/arcabackup/arca/pkg/wal"
	"github.com/arcabackup/arca/pkg/wal/pitr"
)

func (a *app) walCmds() []*cobra.Command {
	var o stack.WALPushOptions
	push := &cobra.Command{
		Use:   "wal-push PATH",
		Short: "archive_command: seal a WAL file and exit 0 only once it is durable in the bucket",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if o.AgentDir == "" {
				o.AgentDir = os.Getenv(agentDirEnv)
			}
			code, err := stack.WALPush(cmd.Context(), a.cfg, args[0], o, a.log)
			return exitCode(code, err, false)
		},
	}
	push.Flags().Uint32Var(&o.AcceptTimeline, "accept-timeline", 0, "archive this timeline although its parent has segments after the switch point")
	push.Flags().StringVar(&o.AgentDir, "agent-dir", "", "hand the file to the arca wal-agent of this directory (default $"+agentDirEnv+")")
	push.Flags().DurationVar(&o.AgentTimeout, "agent-timeout", 5*time.Minute, "longest wait for the agent's answer (then exit 2: PostgreSQL retries)")
	var prefetch int
	var spool string
	fetch := &cobra.Command{
		Use:   "wal-fetch NAME DEST",
		Short: "restore_command: fetch, authenticate and open a WAL file; exit 1 if it does not exist",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			code, err := stack.WALFetch(cmd.Context(), a.cfg, args[0], args[1], prefetch, spool, a.served)
			return exitCode(code, err, code == wal.ExitNotFound)
		},
	}
	fetch.Flags().IntVar(&prefetch, "prefetch", 8, "segments fetched ahead in parallel (-1: none)")
	fetch.Flags().StringVar(&spool, "spool-dir", "", "where prefetched segments wait (default pg_wal/arca-prefetch)")

	var maxAge time.Duration
	var stream *streamCheck
	check := &cobra.Command{
		Use:   "wal-check",
		Short: "Check the WAL archive: no gap after any base backup, newest segment younger than --max-age (RPO)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			res, err := stack.CheckWAL(cmd.Context(), a.cfg, maxAge, a.log)
			a.emit(res, func(w io.Writer) {
				fmt.Fprintf(w, "WAL archive: newest segment %s old, %d gaps, %d timeline forks\n", res.Age.Round(time.Second), len(res.Gaps), len(res.Forks))
				for _, c := range res.Copies {
					fmt.Fprintf(w, "copy in %s: %d objects missing\n", c.Destination, c.Missing)
				}
			})
			return errors.Join(err, a.checkStream(cmd.Context(), stream))
		},
	}
	check.Flags().DurationVar(&maxAge, "max-age", time.Hour, "alert when the newest archived segment is older (the RPO)")
	stream = a.streamCheckFlags(check)
	return []*cobra.Command{push, fetch, check, a.walReceiveCmd(), a.walAgentCmd()}
}

func (a *app) backupBaseCmd() *cobra.Command {
	var o stack.BaseOptions
	cmd := &cobra.Command{
		Use:   "base",
		Short: "Take a physical base backup (pg_basebackup, streamed, sealed, uploaded) for point-in-time recovery",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			b, err := stack.TakeBase(cmd.Context(), a.cfg, o, Version)
			if err != nil {
				return err
			}
			a.emit(b, func(w io.Writer) {
				fmt.Fprintf(w, "base backup %s: WAL %s → %s (%s), %s sealed\n", b.Manifest.BackupID, b.Facts.StartWAL, b.Facts.StopWAL, b.Facts.StopTime.Format(time.RFC3339), human(b.Manifest.Object.Size))
			})
			return nil
		},
	}
	cmd.Flags().StringVar(&o.Conn, "pg-conn", "", "replication connection (default: the source URL)")
	cmd.Flags().StringVar(&o.PGBaseBackup, "pg-basebackup", "", "pg_basebackup binary (default: from pg_bin_dir or PATH)")
	cmd.Flags().StringVar(&o.Label, "label", "arca", "backup label")
	cmd.Flags().BoolVar(&o.FastCheckpoint, "fast-checkpoint", false, "ask for an immediate checkpoint")
	cmd.Flags().StringVar(&o.StorageClass, "storage-class", "", "storage class of the data object")
	return cmd
}

func (a *app) restorePITRCmd() *cobra.Command {
	var targetTime, targetLSN, pgdata, backupID, action, restoreCommand, pgctl string
	var latest, keepArchiving, start bool
	var port int
	cmd := &cobra.Command{
		Use:   "pitr",
		Short: "Prepare a data directory for point-in-time recovery from a base backup and the WAL archive",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
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
			// Every object (base backup, WAL) from the first destination
			// that has it and can serve it.
			set, keys, err := a.openDestinations(ctx)
			if err != nil {
				return err
			}
			store := a.fallbackReader(set)
			if restoreCommand == "" {
				restoreCommand = a.walFetchCommand()
			}
			res, err := pitr.Restore(ctx, pitr.Config{
				Store: store, Layout: stack.Layout(a.cfg), Keys: keys, RestoreCommand: restoreCommand,
				Action: action, KeepArchiving: keepArchiving, BackupID: backupID,
			}, target, pgdata)
			if err != nil {
				return err
			}
			a.emit(res, func(w io.Writer) {
				fmt.Fprintf(w, "restored base backup %s into %s (%d files, %s) in %s\n", res.Backup.Manifest.BackupID, pgdata, res.Files, human(res.Bytes), res.Duration.Round(time.Millisecond))
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
		},
	}
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
