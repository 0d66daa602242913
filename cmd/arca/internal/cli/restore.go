package cli

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/arcabackup/arca/cmd/arca/internal/stack"
	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/progress"
	"github.com/arcabackup/arca/pkg/restore"
	"github.com/arcabackup/arca/pkg/wal/pitr"
)

func (a *app) restoreCmd() *cobra.Command {
	return group("restore", "Restore from the bucket and the key alone (no NATS, no catalog)",
		a.restoreTenantCmd(), a.restoreFullCmd(), a.restorePITRCmd())
}

func (a *app) restoreTenantCmd() *cobra.Command {
	var req stack.TenantRequest
	cmd := command("tenant", cobra.NoArgs, "Restore one tenant, touching no other", func(ctx context.Context, _ []string) error {
		req.Bucket.Watch, req.RestoreCommand, req.Tool, req.Tell = progress.Watch(a.newProgress), stack.WALFetchCommand(a.configPath), Version, a.errOut
		res, err := stack.RestoreTenant(ctx, a.cfg, req)
		return a.print(res, usage(err, backup.ErrNoSelector))
	})
	f := cmd.Flags()
	a.backupFlag(cmd, &req.Select.ID, "backup id", "tenants")
	a.tenantFlag(cmd, &req.Select.Tenant, "tenant id")
	f.BoolVar(&req.Select.Latest, "latest", false, "the tenant's newest backup")
	f.StringVar(&req.At, "at", "", "the tenant as of this time (RFC 3339): point-in-time when base backups and WAL cover it, else its newest export at or before it")
	f.StringVar(&req.ScratchDir, "scratch-dir", "", "where a point-in-time restore's scratch cluster lives (default: the system temporary directory)")
	f.BoolVar(&req.Replace, "replace", false, "replace the tenant in the source database")
	f.StringVar(&req.Target, "target", "", "restore into this database URL")
	f.StringVar(&req.Schema, "into-schema", "", "restore side by side into this schema")
	f.BoolVar(&req.Bucket.VerifyFirst, "verify-first", false, "verify the whole backup before opening a transaction (reads it twice)")
	return cmd
}

func (a *app) restoreFullCmd() *cobra.Command {
	var id string
	var o restore.FullOptions
	cmd := command("full", cobra.NoArgs, "Restore a full dump into a new, empty database with pg_restore --jobs",
		func(ctx context.Context, _ []string) error {
			res, err := stack.RestoreFull(ctx, a.cfg, id, o, progress.Watch(a.newProgress), a.errOut)
			return a.print(res, usage(err))
		})
	cmd.Flags().BoolVar(&o.Globals, "globals", false, "apply the backup's roles, memberships and tablespaces to the target server first")
	a.backupFlag(cmd, &id, "full backup id", "full")
	cmd.Flags().StringVar(&o.Database, "target", "", "URL of the new, empty database")
	cmd.Flags().IntVar(&o.Jobs, "jobs", 4, "pg_restore --jobs")
	cmd.Flags().StringVar(&o.TempDir, "temp-dir", "", "where the decrypted dump waits for pg_restore")
	return cmd
}

func (a *app) restorePITRCmd() *cobra.Command {
	var req stack.PITRRequest
	var so pitr.StartOptions
	cmd := command("pitr", cobra.NoArgs,
		"Prepare a data directory for point-in-time recovery from a base backup and the WAL archive",
		func(ctx context.Context, _ []string) error {
			req.ConfigPath, req.Tell = a.configPath, a.errOut
			if err := a.print(stack.RestorePITR(ctx, a.cfg, req)); err != nil || !req.Start {
				return usage(err)
			}
			// Shown first: recovery may take long once the server starts.
			return pitr.Start(ctx, req.PGData, so)
		})
	f := cmd.Flags()
	f.StringVar(&req.At, "target-time", "", "recover to this moment (RFC 3339)")
	f.StringVar(&req.Target.LSN, "target-lsn", "", "recover to this WAL position (X/Y)")
	f.BoolVar(&req.Target.Latest, "latest", false, "recover every archived transaction")
	f.StringVar(&req.PGData, "pgdata", "", "new, empty data directory")
	f.StringVar(&req.BackupID, "backup", "", "base backup to use (default: the newest before the target)")
	f.StringVar(&req.Action, "target-action", "promote", "promote, pause or shutdown at the target")
	f.BoolVar(&req.KeepArchiving, "keep-archiving", false, "keep archiving into this archive after promotion (only when replacing the lost primary; default: archive_mode=off)")
	f.BoolVar(&req.Start, "start", false, "start the server")
	f.StringVar(&so.PGCtl, "pg-ctl", "", "pg_ctl binary for --start")
	f.IntVar(&so.Port, "port", 0, "port for --start")
	f.StringVar(&req.RestoreCommand, "restore-command", "", "restore_command (default: this binary's wal-fetch)")
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
