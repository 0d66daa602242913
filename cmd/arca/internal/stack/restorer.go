package stack

import (
	"context"
	"fmt"
	"io"
	"log/slog"

	"github.com/arcabackup/arca/cmd/arca/internal/config"
	"github.com/arcabackup/arca/pkg/archive"
	"github.com/arcabackup/arca/pkg/jobs"
	"github.com/arcabackup/arca/pkg/objstore"
	"github.com/arcabackup/arca/pkg/objstore/destinations"
	"github.com/arcabackup/arca/pkg/restore"
	"github.com/arcabackup/arca/pkg/restore/tenantpitr"
	"github.com/arcabackup/arca/pkg/restore/tenantrestore"
	"github.com/arcabackup/arca/pkg/seal/keyring"
	"github.com/arcabackup/arca/pkg/wal/pitr"
	"github.com/arcabackup/arca/services/exporter/pitrstage"
	"github.com/arcabackup/arca/services/exporter/tenantexport"
)

// TenantPITR wires a tenant point-in-time restore: the base backups and
// WAL of store, restoreCommand (this binary's wal-fetch) as the scratch
// cluster's restore_command, the exporter's tenant export of tool version
// tool, scratch clusters under scratchDir.
func TenantPITR(cfg config.Config, store objstore.Store, keys *keyring.Keyring, restoreCommand, scratchDir, tool string, progress func(tenantpitr.Step)) tenantpitr.Config {
	tcfg := Tenancy(cfg)
	return tenantpitr.Config{
		PITR: pitr.Config{Store: store, Layout: Layout(cfg), Keys: keys, RestoreCommand: restoreCommand},
		Export: func(ctx context.Context, dbURL, tenant string, w io.Writer) (archive.Manifest, error) {
			return tenantexport.Tenant(ctx, tenantexport.Config{Tenancy: tcfg, PGBinDir: cfg.Source.PGBinDir, ToolVersion: tool}, dbURL, tenant, w)
		},
		SourceURL: cfg.Source.URL,
		PGBinDir:  cfg.Source.PGBinDir,
		TempDir:   scratchDir,
		Progress:  progress,
	}
}

// TenantRestore is a tenant restore's options from the configuration:
// into the source database (ModeTarget names another), with its tenancy,
// layout and keys, by point-in-time recovery from store (TenantPITR) when a
// time is asked for. The caller chooses the backup, the mode and how the
// destinations are tried.
func TenantRestore(cfg config.Config, store objstore.Store, keys *keyring.Keyring, restoreCommand, scratchDir, tool string, progress func(tenantpitr.Step)) tenantrestore.Options {
	pc := TenantPITR(cfg, store, keys, restoreCommand, scratchDir, tool, progress)
	return tenantrestore.Options{DB: cfg.Source.URL, Restore: restore.Options{Tenancy: Tenancy(cfg)}, Layout: Layout(cfg), Keys: keys, PITR: &pc}
}

// RunRestorer runs the restorer until ctx ends: tenant point-in-time
// restores published as TenantRestoreRequested on jobs.restore, one at a
// time, observed and traced as every service. Base backups come from the
// first destination that has them (served says which when it was not the
// first), as wal-fetch reads the WAL: a tenant PITR survives the primary.
// restoreCommand, scratchDir and tool are TenantPITR's.
func RunRestorer(ctx context.Context, cfg config.Config, log *slog.Logger, tool, restoreCommand, scratchDir string,
	served func(key, destination string, skipped []error)) error {
	set, err := Destinations(ctx, cfg)
	if err != nil {
		return err
	}
	keys, err := Keyring(ctx, cfg, false)
	if err != nil {
		return err
	}
	pc := TenantPITR(cfg, destinations.NewReader(set, served), keys, restoreCommand, scratchDir, tool, nil)
	obs, err := Observe(ctx, []string{"restorer"}, log)
	if err != nil {
		return err
	}
	defer func() { _ = obs.Shutdown(context.WithoutCancel(ctx)) }() // exporting on the way out: nothing left to tell
	conn, err := Connect(ctx, cfg, "restorer")
	if err != nil {
		return err
	}
	defer conn.Close()
	w := jobs.Config{Logger: log, Tracer: obs.Tracer("restorer")}
	if obs.Metrics != nil {
		w.Observer = obs.Metrics
	}
	st, err := pitrstage.New(pitrstage.Deps{JS: conn.JS}, pitrstage.Config{
		PITR: pc,
		Export: tenantexport.Config{Tenancy: Tenancy(cfg), PGBinDir: cfg.Source.PGBinDir, ToolVersion: tool,
			StatementTimeout: cfg.Source.StatementTimeout, LockTimeout: cfg.Source.LockTimeout},
		Worker: w,
	})
	if err != nil {
		return err
	}
	if err := Supervise(ctx, Named{Name: "restorer", Service: st}); err != nil {
		return fmt.Errorf("services stopped: %w", err)
	}
	return nil
}
