package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/arcabackup/arca/cmd/arca/internal/stack"
	"github.com/arcabackup/arca/pkg/archive"
	"github.com/arcabackup/arca/pkg/jobs"
	"github.com/arcabackup/arca/pkg/objstore"
	"github.com/arcabackup/arca/pkg/restore"
	"github.com/arcabackup/arca/pkg/restore/tenantpitr"
	"github.com/arcabackup/arca/pkg/seal/keyring"
	"github.com/arcabackup/arca/pkg/wal/pitr"
	"github.com/arcabackup/arca/services/exporter/pitrstage"
	"github.com/arcabackup/arca/services/exporter/tenantexport"
)

// tenantPITRConfig wires a tenant point-in-time restore: the bucket, this
// binary's wal-fetch as restore_command, the exporter's tenant export.
func (a *app) tenantPITRConfig(store objstore.Store, keys *keyring.Keyring, scratchDir string, progress func(tenantpitr.Step)) tenantpitr.Config {
	tcfg := stack.Tenancy(a.cfg)
	return tenantpitr.Config{
		PITR: pitr.Config{Store: store, Layout: stack.Layout(a.cfg), Keys: keys,
			RestoreCommand: a.walFetchCommand()},
		Export: func(ctx context.Context, dbURL, tenant string, w io.Writer) (archive.Manifest, error) {
			return tenantexport.Tenant(ctx, tenantexport.Config{Tenancy: tcfg, PGBinDir: a.cfg.Source.PGBinDir, ToolVersion: Version}, dbURL, tenant, w)
		},
		SourceURL: a.cfg.Source.URL,
		PGBinDir:  a.cfg.Source.PGBinDir,
		TempDir:   scratchDir,
		Progress:  progress,
	}
}

// restoreTenantAt restores the tenant as of at from base backups and WAL
// when they cover it. ok is false when they do not; why says why, for the
// fallback to the logical exports.
func (a *app) restoreTenantAt(ctx context.Context, store objstore.Store, keys *keyring.Keyring, tenant string, at time.Time, db, scratchDir string, opts restore.Options) (ok bool, why string, err error) {
	progress := func(s tenantpitr.Step) {
		if s.Duration == 0 {
			fmt.Fprintf(a.errOut, "tenant pitr: %s...\n", s.Name)
		} else {
			fmt.Fprintf(a.errOut, "tenant pitr: %s done in %s %s\n", s.Name, s.Duration.Round(time.Millisecond), s.Detail)
		}
	}
	cfg := a.tenantPITRConfig(store, keys, scratchDir, progress)
	cover, err := tenantpitr.Cover(ctx, cfg.PITR, at)
	if err != nil {
		return false, "", err
	}
	if !cover.Covered() {
		return false, cover.Reason, nil
	}
	res, err := tenantpitr.Restore(ctx, cfg, tenantpitr.Request{Tenant: tenant, At: at, DB: db, Options: opts})
	if err != nil {
		return true, "", err
	}
	a.emit(res, func(w io.Writer) {
		fmt.Fprintf(w, "restored tenant %s as of %s (%s) by point-in-time recovery: base backup %s, WAL replayed to the last commit at or before it (%s)\n",
			res.Tenant, res.At.Format(time.RFC3339Nano), opts.Mode, res.BaseBackup, recoveredTo(res.RecoveredTo))
		r := res.Restore
		fmt.Fprintf(w, "rows restored %d, reference rows inserted %d, reference rows already present %d", r.Restored, r.ReferenceInserted, r.ReferencePresent)
		if r.Mode == restore.ModeReplace {
			fmt.Fprintf(w, ", rows deleted first %d, orphans replaced %d, rows another tenant also owns kept %d", r.Deleted, r.Orphans, r.Kept)
		}
		fmt.Fprintln(w)
		if r.Schema != "" {
			fmt.Fprintf(w, "tenant schema: %s\n", r.Schema)
		}
		for _, warn := range r.Warnings {
			fmt.Fprintln(w, "warning:", warn)
		}
		fmt.Fprintf(w, "RTO %s:", res.RTO.Round(time.Millisecond))
		for _, s := range res.Steps {
			fmt.Fprintf(w, " %s %s;", s.Name, s.Duration.Round(time.Millisecond))
		}
		fmt.Fprintf(w, " scratch cluster removed: %t\n", res.ScratchRemoved)
	})
	return true, "", nil
}

// walFetchCommand is restore_command running this binary's wal-fetch with
// this configuration.
func (a *app) walFetchCommand() string {
	self, _ := os.Executable()
	conf := ""
	if a.configPath != "" {
		abs, _ := filepath.Abs(a.configPath)
		conf = " --config " + abs
	}
	return fmt.Sprintf("%s wal-fetch%s %%f %%p", self, conf)
}

func recoveredTo(t time.Time) string {
	if t.IsZero() {
		return "no transaction after the base backup"
	}
	return "last commit " + t.UTC().Format(time.RFC3339Nano)
}

// restorerCmd runs the restorer: tenant point-in-time restores published
// as TenantRestoreRequested on jobs.restore, one at a time.
func (a *app) restorerCmd() *cobra.Command {
	var scratchDir string
	cmd := &cobra.Command{
		Use:   "restorer",
		Short: "Run the restorer: tenant point-in-time restores scheduled on jobs.restore",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			obs, err := stack.Observe(ctx, []string{"restorer"}, a.log)
			if err != nil {
				return err
			}
			defer func() { _ = obs.Shutdown(context.WithoutCancel(ctx)) }() // exporting on the way out: nothing left to tell
			conn, err := stack.Connect(ctx, a.cfg, "restorer")
			if err != nil {
				return err
			}
			defer conn.Close()
			// Base backups from the first destination that has them, as
			// wal-fetch reads the WAL: a tenant PITR survives the primary.
			set, keys, err := a.openDestinations(ctx)
			if err != nil {
				return err
			}
			store := a.fallbackReader(set)
			w := jobs.Config{Logger: a.log, Tracer: obs.Tracer("restorer")}
			if obs.Metrics != nil {
				w.Observer = obs.Metrics
			}
			st, err := pitrstage.New(pitrstage.Deps{JS: conn.JS}, pitrstage.Config{
				PITR: a.tenantPITRConfig(store, keys, scratchDir, nil),
				Export: tenantexport.Config{Tenancy: stack.Tenancy(a.cfg), PGBinDir: a.cfg.Source.PGBinDir, ToolVersion: Version,
					StatementTimeout: a.cfg.Source.StatementTimeout, LockTimeout: a.cfg.Source.LockTimeout},
				Worker: w,
			})
			if err != nil {
				return err
			}
			if err := stack.Supervise(ctx, stack.Named{Name: "restorer", Service: st}); err != nil {
				return fmt.Errorf("services stopped: %w", err)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&scratchDir, "scratch-dir", "", "where the scratch clusters live (default: the system temporary directory)")
	return cmd
}
