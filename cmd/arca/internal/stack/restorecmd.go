package stack

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/arcabackup/arca/cmd/arca/internal/config"
	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/objstore/destinations"
	"github.com/arcabackup/arca/pkg/restore"
	"github.com/arcabackup/arca/pkg/restore/tenantpitr"
	"github.com/arcabackup/arca/pkg/restore/tenantrestore"
	"github.com/arcabackup/arca/pkg/seal/keyring"
	"github.com/arcabackup/arca/pkg/wal/pitr"
)

// OpenDestinations opens the keyring and every destination (the primary
// first): what a restore that may fall back to another copy needs.
func OpenDestinations(ctx context.Context, cfg config.Config) (destinations.Set, *keyring.Keyring, error) {
	// The keyring first: its unlock (scrypt's 32 MiB) is the peak of a
	// restore, lower before the stores' clients exist (#17.3).
	keys, err := Keyring(ctx, cfg, false)
	if err != nil {
		return nil, nil, err
	}
	set, err := Destinations(ctx, cfg)
	if err != nil {
		return nil, nil, err
	}
	return set, keys, nil
}

// TenantRequest is a tenant restore as the operator asks for it (arca
// restore tenant): the backup, the mode, and how to say what happens.
type TenantRequest struct {
	Select backup.Selector
	Mode   restore.Mode
	// Schema is ModeIntoSchema's schema; Target ModeTarget's database.
	Schema, Target string
	Bucket         restore.BucketOptions
	// RestoreCommand, ScratchDir and Tool are a point-in-time restore's
	// (TenantPITR).
	RestoreCommand, ScratchDir, Tool string
	// Tell hears which destination served the backup and why the ones
	// before could not, each step of a point-in-time restore, and why
	// one was not possible.
	Tell io.Writer
}

// RestoreTenant restores one tenant (tenantrestore.Tenant) from the first
// destination that serves it, by point-in-time recovery when a time is
// asked for and the base backups and WAL cover it, under arca restore's
// soft memory limit.
func RestoreTenant(ctx context.Context, cfg config.Config, req TenantRequest) (tenantrestore.Result, error) {
	SoftMemoryLimit(RestoreMemoryLimit)
	set, keys, err := OpenDestinations(ctx, cfg)
	if err != nil {
		return tenantrestore.Result{}, err
	}
	progress := func(s tenantpitr.Step) { s.WriteProgress(req.Tell) }
	store := destinations.NewReader(set, destinations.TellServed(req.Tell))
	o := TenantRestore(cfg, store, keys, req.RestoreCommand, req.ScratchDir, req.Tool, progress)
	o.Select, o.Bucket = req.Select, req.Bucket
	o.Fallback = func(why string) {
		fmt.Fprintf(req.Tell, "tenant pitr: base backups and WAL do not cover %s (%s): restoring the newest logical export at or before it\n",
			req.Select.At.Format(time.RFC3339Nano), why)
	}
	o.Restore.Mode, o.Restore.Schema = req.Mode, req.Schema
	if req.Target != "" {
		o.DB = req.Target
	}
	o.Try = func(ctx context.Context, fn func(context.Context, destinations.Destination) error) error {
		_, err := set.TryTelling(ctx, req.Tell, "restore tenant", fn)
		return err
	}
	return tenantrestore.Tenant(ctx, o)
}

// RestoreFull restores the full backup id into o.Database with the
// configuration's pg_restore, from the first destination that serves it
// (tell hears which, and why the ones before could not).
func RestoreFull(ctx context.Context, cfg config.Config, id string, o restore.FullOptions, watch restore.Watch,
	tell io.Writer) (restore.FullResult, error) {
	set, keys, err := OpenDestinations(ctx, cfg)
	if err != nil {
		return restore.FullResult{}, err
	}
	if o.PGRestore, err = PGTool(cfg, "pg_restore"); err != nil {
		return restore.FullResult{}, fmt.Errorf("pg_restore not found: %w", err)
	}
	var res restore.FullResult
	_, err = set.TryTelling(ctx, tell, "restore full", func(ctx context.Context, d destinations.Destination) error {
		res, err = restore.FullFromBucket(ctx, Repo(cfg, d.Store, keys), id, o, watch)
		return err
	})
	return res, err
}

// RestorePITR prepares pgdata for point-in-time recovery to target
// (pitr.Restore) with c's choices, every object (base backup, WAL) read
// from the first destination that has it and can serve it; tell hears
// when that was not the primary.
func RestorePITR(ctx context.Context, cfg config.Config, c pitr.Config, target pitr.Target, pgdata string, tell io.Writer) (pitr.Result, error) {
	set, keys, err := OpenDestinations(ctx, cfg)
	if err != nil {
		return pitr.Result{}, err
	}
	c.Store, c.Layout, c.Keys = destinations.NewReader(set, destinations.TellServed(tell)), Layout(cfg), keys
	return pitr.Restore(ctx, c, target, pgdata)
}
