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
	"github.com/arcabackup/arca/pkg/objstore"
	"github.com/arcabackup/arca/pkg/objstore/destinations"
	"github.com/arcabackup/arca/pkg/restore"
)

func (a *app) restoreCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "restore", Short: "Restore from the bucket and the key alone (no NATS, no catalog)"}
	cmd.AddCommand(a.restoreTenantCmd(), a.restoreFullCmd(), a.restorePITRCmd())
	return cmd
}

func (a *app) restoreTenantCmd() *cobra.Command {
	var id, tenant, at, target, into, scratchDir string
	var latest, replace, verifyFirst bool
	cmd := &cobra.Command{
		Use:   "tenant",
		Short: "Restore one tenant, touching no other",
		Long: `Restores one tenant's backup in one transaction: nothing changes unless the whole backup verifies.
Pick the backup with --backup ID, or --tenant ID with --latest or --at TIME, and one target:
  --replace            into the source database, replacing that tenant only
  --target URL         into another database, creating what is missing
  --into-schema NAME   side by side with the live tenant, for comparison
With --tenant ID --at TIME, when base backups and the WAL archive cover TIME, the tenant is restored as
it was at that exact moment (point-in-time recovery into a scratch cluster Arca starts and removes, then
exported and restored like a backup; docs/runbooks/tenant-pitr.md). Otherwise --at restores the newest
logical export at or before TIME, and says so.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			softMemoryLimit(restoreMemoryLimit)
			ctx := cmd.Context()
			opts := restore.Options{Tenancy: stack.Tenancy(a.cfg)}
			db := a.cfg.Source.URL
			switch {
			case replace && target == "" && into == "":
				opts.Mode = restore.ModeReplace
			case target != "" && !replace && into == "":
				opts.Mode, db = restore.ModeTarget, target
			case into != "" && !replace && target == "":
				opts.Mode, opts.Schema = restore.ModeIntoSchema, into
			default:
				return usageError{errors.New("choose exactly one of --replace, --target URL, --into-schema NAME")}
			}
			set, keys, err := a.openDestinations(ctx)
			if err != nil {
				return err
			}
			store := a.fallbackReader(set)
			fallback := ""
			if at != "" && id == "" && !latest && tenant != "" {
				when, perr := time.Parse(time.RFC3339, at)
				if perr != nil {
					return usageError{fmt.Errorf("--at %q: want RFC 3339, e.g. 2026-11-28T01:00:00-03:00", at)}
				}
				done, why, perr := a.restoreTenantAt(ctx, store, keys, tenant, when, db, scratchDir, opts)
				if done || perr != nil {
					return perr
				}
				fallback = why
				fmt.Fprintf(a.errOut, "tenant pitr: base backups and WAL do not cover %s (%s): restoring the newest logical export at or before it\n", at, why)
			}
			// Each destination in turn: one that lacks the backup, cannot be
			// read, or holds a copy that does not authenticate or verify
			// (the restore's transaction is then rolled back) hands over to
			// the next.
			var e backup.Entry
			var res restore.Result
			_, err = a.tryDestinations(ctx, set, "restore tenant", func(ctx context.Context, d destinations.Destination) error {
				store := d.Store
				var err error
				if e, err = a.selectBackup(ctx, a.repo(store, keys), id, tenant, latest, at); err != nil {
					return err
				}
				res, err = restore.TenantFromBucket(ctx, store, db, e.Manifest, keys, opts,
					restore.BucketOptions{VerifyFirst: verifyFirst, Watch: a.watchRestore})
				return err
			})
			if err != nil {
				return err
			}
			a.emit(res, func(w io.Writer) {
				if fallback != "" {
					fmt.Fprintf(w, "no point-in-time restore: %s\n", fallback)
					fmt.Fprintf(w, "restored the newest logical export at or before %s instead, taken at %s: the tenant's changes after that are not restored\n",
						at, e.Manifest.CreatedAt.UTC().Format(time.RFC3339))
				}
				var rows int64
				for _, t := range res.Tables {
					rows += t.Rows
				}
				fmt.Fprintf(w, "restored tenant %s from backup %s (%s): %d tables, %d rows, %s, in %s\n",
					res.Tenant, res.BackupID, res.Mode, len(res.Tables), rows, human(res.PlainBytes), res.Duration.Round(1e6))
				fmt.Fprintf(w, "rows restored %d, reference rows inserted %d, reference rows already present %d",
					res.Restored, res.ReferenceInserted, res.ReferencePresent)
				if res.Mode == restore.ModeReplace {
					fmt.Fprintf(w, ", rows deleted first %d, orphans replaced %d, rows another tenant also owns kept %d", res.Deleted, res.Orphans, res.Kept)
				}
				fmt.Fprintln(w)
				if res.Schema != "" {
					fmt.Fprintf(w, "tenant schema: %s\n", res.Schema)
				}
				for _, warn := range res.Warnings {
					fmt.Fprintln(w, "warning:", warn)
				}
			})
			return nil
		},
	}
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
	cmd := &cobra.Command{
		Use:   "full",
		Short: "Restore a full dump into a new, empty database with pg_restore --jobs",
		Long: `Restores a logical full dump into a new, empty database with pg_restore --jobs, once the whole
dump has been decrypted and verified. With --globals, the roles, memberships, role settings and
tablespaces the backup carries (pg_dumpall --globals-only, sealed in its manifest) are applied first
to the target server with psql, so that owners and grants resolve: roles are cluster-wide, so this
changes the server, not only the new database. Roles the server has already are reported and their
attributes set as in the backup; any other error stops the restore before pg_restore. A backup taken
by a source role that cannot read pg_authid (not a superuser) carries the roles without their
passwords, and says so.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			if id == "" || target == "" {
				return usageError{errors.New("--backup ID and --target URL are required")}
			}
			set, keys, err := a.openDestinations(ctx)
			if err != nil {
				return err
			}
			bin, err := a.pgTool("pg_restore")
			if err != nil {
				return fmt.Errorf("pg_restore not found: %w", err)
			}
			var res restore.FullResult
			_, err = a.tryDestinations(ctx, set, "restore full", func(ctx context.Context, d destinations.Destination) error {
				e, err := a.repo(d.Store, keys).Get(ctx, id, "")
				if err != nil {
					return err
				}
				if e.Manifest.Kind != "full" {
					return fmt.Errorf("backup %s is a %s backup, not a full backup", id, e.Manifest.Kind)
				}
				obj, err := d.Store.Get(ctx, e.Manifest.Object.Key, objstore.Range{})
				if err != nil {
					return err
				}
				defer func() { _ = obj.Close() }() // read side: a close error loses nothing
				pr, finish := a.watchRestore(obj, e.Manifest, "restore")
				res, err = restore.Full(ctx, pr, e.Manifest, keys, restore.FullOptions{Database: target, PGRestore: bin, Jobs: jobsN, TempDir: tmp, Globals: globals})
				finish()
				return err
			})
			if err != nil {
				return err
			}
			a.emit(res, func(w io.Writer) {
				if res.Globals {
					fmt.Fprintf(w, "applied the globals (%d roles or tablespaces existed already)\n", res.GlobalsExisting)
					if res.GlobalsWithoutPasswords {
						fmt.Fprintln(w, "the roles have no passwords: the backup's source role could not read them (not a superuser)")
					}
				}
				fmt.Fprintf(w, "restored full backup %s (%s) with %d jobs in %s\n", res.BackupID, human(res.DumpBytes), res.Jobs, res.Duration.Round(1e6))
			})
			return nil
		},
	}
	cmd.Flags().BoolVar(&globals, "globals", false, "apply the backup's roles, memberships and tablespaces to the target server first")
	cmd.Flags().StringVar(&id, "backup", "", "full backup id")
	cmd.Flags().StringVar(&target, "target", "", "URL of the new, empty database")
	cmd.Flags().IntVar(&jobsN, "jobs", 4, "pg_restore --jobs")
	cmd.Flags().StringVar(&tmp, "temp-dir", "", "where the decrypted dump waits for pg_restore")
	return cmd
}
