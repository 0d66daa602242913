package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/arcabackup/arca/cmd/arca/internal/stack"
	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/restore"
	"github.com/arcabackup/arca/pkg/wal/pitr"
)

func (a *app) restoreCmd() *cobra.Command {
	return group("restore", "Restore from the bucket and the key alone (no NATS, no catalog)",
		a.restoreTenantCmd(), a.restoreFullCmd(), a.restorePITRCmd())
}

func (a *app) restoreTenantCmd() *cobra.Command {
	var id, tenant, at, target, into, scratchDir string
	var latest, replace, verifyFirst bool
	cmd := command("tenant", cobra.NoArgs, "Restore one tenant, touching no other", func(ctx context.Context, _ []string) error {
		mode, ok := restore.ModeOf(replace, target, into)
		if !ok {
			return usageError{errors.New("choose exactly one of --replace, --target URL, --into-schema NAME")}
		}
		req := stack.TenantRequest{Select: backup.Selector{ID: id, Tenant: tenant, Latest: latest}, Mode: mode, Schema: into, Target: target,
			Bucket:         restore.BucketOptions{VerifyFirst: verifyFirst, Watch: a.watchRestore},
			RestoreCommand: stack.WALFetchCommand(a.configPath), ScratchDir: scratchDir, Tool: Version, Tell: a.errOut}
		if at != "" && id == "" {
			var err error
			if req.Select.At, err = time.Parse(time.RFC3339, at); err != nil {
				return usageError{fmt.Errorf("--at %q: want RFC 3339, e.g. 2026-11-28T01:00:00-03:00", at)}
			}
		}
		res, err := stack.RestoreTenant(ctx, a.cfg, req)
		return a.print(res, usage(err, backup.ErrNoSelector))
	})
	f := cmd.Flags()
	a.backupFlag(cmd, &id, "backup id", "tenants")
	a.tenantFlag(cmd, &tenant, "tenant id")
	f.BoolVar(&latest, "latest", false, "the tenant's newest backup")
	f.StringVar(&at, "at", "", "the tenant as of this time (RFC 3339): point-in-time when base backups and WAL cover it, else its newest export at or before it")
	f.StringVar(&scratchDir, "scratch-dir", "", "where a point-in-time restore's scratch cluster lives (default: the system temporary directory)")
	f.BoolVar(&replace, "replace", false, "replace the tenant in the source database")
	f.StringVar(&target, "target", "", "restore into this database URL")
	f.StringVar(&into, "into-schema", "", "restore side by side into this schema")
	f.BoolVar(&verifyFirst, "verify-first", false, "verify the whole backup before opening a transaction (reads it twice)")
	return cmd
}

func (a *app) restoreFullCmd() *cobra.Command {
	var id, target, tmp string
	var jobsN int
	var globals bool
	cmd := command("full", cobra.NoArgs, "Restore a full dump into a new, empty database with pg_restore --jobs",
		func(ctx context.Context, _ []string) error {
			if id == "" || target == "" {
				return usageError{errors.New("--backup ID and --target URL are required")}
			}
			o := restore.FullOptions{Database: target, Jobs: jobsN, TempDir: tmp, Globals: globals}
			return a.print(stack.RestoreFull(ctx, a.cfg, id, o, a.watchRestore, a.errOut))
		})
	cmd.Flags().BoolVar(&globals, "globals", false, "apply the backup's roles, memberships and tablespaces to the target server first")
	a.backupFlag(cmd, &id, "full backup id", "full")
	cmd.Flags().StringVar(&target, "target", "", "URL of the new, empty database")
	cmd.Flags().IntVar(&jobsN, "jobs", 4, "pg_restore --jobs")
	cmd.Flags().StringVar(&tmp, "temp-dir", "", "where the decrypted dump waits for pg_restore")
	return cmd
}

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
				res.WriteText(w)
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

func (a *app) drillCmd() *cobra.Command {
	var o stack.DrillOptions
	cmd := command("drill", cobra.NoArgs,
		"Restore the newest backups of a sample of tenants into scratch databases and check them",
		func(ctx context.Context, _ []string) error {
			return a.print(stack.Drill(ctx, a.cfg, o, a.log))
		})
	cmd.Flags().StringSliceVar(&o.Tenants, "tenants", nil, "tenants to draw from (default: every tenant)")
	cmd.Flags().IntVar(&o.Sample, "sample", 0, "restore this many, chosen at random (0: all)")
	cmd.Flags().StringVar(&o.AdminURL, "admin-url", "", "cluster for the scratch databases (default: the source)")
	return cmd
}
