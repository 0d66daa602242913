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
)

func (a *app) restoreCmd() *cobra.Command {
	return group("restore", "Restore from the bucket and the key alone (no NATS, no catalog)",
		a.restoreTenantCmd(), a.restoreFullCmd(), a.restorePITRCmd())
}

func (a *app) restoreTenantCmd() *cobra.Command {
	var id, tenant, at, target, into, scratchDir string
	var latest, replace, verifyFirst bool
	cmd := command("tenant", cobra.NoArgs, "Restore one tenant, touching no other", func(ctx context.Context, _ []string) error {
		stack.SoftMemoryLimit(stack.RestoreMemoryLimit)
		mode, ok := restore.ModeOf(replace, target, into)
		if !ok {
			return usageError{errors.New("choose exactly one of --replace, --target URL, --into-schema NAME")}
		}
		req := stack.TenantRequest{Select: backup.Selector{ID: id, Tenant: tenant, Latest: latest}, Mode: mode, Schema: into, Target: target,
			Bucket:         restore.BucketOptions{VerifyFirst: verifyFirst, Watch: a.watchRestore},
			RestoreCommand: stack.WALFetchCommand(a.configPath), ScratchDir: scratchDir, Tool: Version, Tell: a.errOut,
			Fallback: func(why string) {
				fmt.Fprintf(a.errOut, "tenant pitr: base backups and WAL do not cover %s (%s): restoring the newest logical export at or before it\n", at, why)
			}}
		if at != "" && id == "" {
			var err error
			if req.Select.At, err = time.Parse(time.RFC3339, at); err != nil {
				return usageError{fmt.Errorf("--at %q: want RFC 3339, e.g. 2026-11-28T01:00:00-03:00", at)}
			}
		}
		res, err := stack.RestoreTenant(ctx, a.cfg, req)
		if err != nil {
			return usage(err, backup.ErrNoSelector)
		}
		if res.PITR != nil {
			a.show(res.PITR)
			return nil
		}
		a.emit(res.Tenant, func(w io.Writer) {
			if res.NotCovered != "" {
				fmt.Fprintf(w, "no point-in-time restore: %s\n", res.NotCovered)
				fmt.Fprintf(w, "restored the newest logical export at or before %s instead, taken at %s: the tenant's changes after that are not restored\n",
					at, res.Backup.Manifest.CreatedAt.UTC().Format(time.RFC3339))
			}
			res.Tenant.WriteText(w)
		})
		return nil
	})
	f := cmd.Flags()
	f.StringVar(&id, "backup", "", "backup id")
	f.StringVar(&tenant, "tenant", "", "tenant id")
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
	cmd.Flags().StringVar(&id, "backup", "", "full backup id")
	cmd.Flags().StringVar(&target, "target", "", "URL of the new, empty database")
	cmd.Flags().IntVar(&jobsN, "jobs", 4, "pg_restore --jobs")
	cmd.Flags().StringVar(&tmp, "temp-dir", "", "where the decrypted dump waits for pg_restore")
	return cmd
}
