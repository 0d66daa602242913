package stack

import (
	"context"
	"errors"
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
	// At is Select.At as given (RFC 3339), when Select.ID is not.
	At string
	// Exactly one mode: Replace, Schema (restore.ModeIntoSchema's schema)
	// or Target (restore.ModeTarget's database).
	Replace        bool
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
// soft memory limit. Not exactly one mode, or an At that is not a time,
// is a ConfigError.
func RestoreTenant(ctx context.Context, cfg config.Config, req TenantRequest) (tenantrestore.Result, error) {
	mode, ok := restore.ModeOf(req.Replace, req.Target, req.Schema)
	if !ok {
		return tenantrestore.Result{}, ConfigError{errors.New("choose exactly one of --replace, --target URL, --into-schema NAME")}
	}
	if req.At != "" && req.Select.ID == "" {
		var err error
		if req.Select.At, err = time.Parse(time.RFC3339, req.At); err != nil {
			return tenantrestore.Result{}, ConfigError{fmt.Errorf("--at %q: want RFC 3339, e.g. 2026-11-28T01:00:00-03:00", req.At)}
		}
	}
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
	o.Restore.Mode, o.Restore.Schema = mode, req.Schema
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
// (tell hears which, and why the ones before could not). No id or no
// database is a ConfigError.
func RestoreFull(ctx context.Context, cfg config.Config, id string, o restore.FullOptions, watch restore.Watch,
	tell io.Writer) (restore.FullResult, error) {
	if id == "" || o.Database == "" {
		return restore.FullResult{}, ConfigError{errors.New("--backup ID and --target URL are required")}
	}
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

// PITRRequest is a point-in-time recovery as the operator asks for it
// (arca restore pitr): pitr.Config's choices, exactly one target (At, a
// time in RFC 3339, or Target's LSN or Latest) and a new data directory.
type PITRRequest struct {
	pitr.Config
	Target pitr.Target
	At     string
	PGData string
	// ConfigPath is the configuration file of the default restore_command
	// (WALFetchCommand).
	ConfigPath string
	// Start says the caller starts the server (pitr.Start) once the result
	// is shown; else the result says how to start it.
	Start bool
	// Tell hears when an object did not come from the primary.
	Tell io.Writer
}

// PITRResult is a data directory prepared for recovery.
type PITRResult struct {
	pitr.Result
	// StartWith is how to start the server, when the caller does not.
	StartWith string `json:"-"`
}

// WriteText is the restore's, then how to start the server.
func (r PITRResult) WriteText(w io.Writer) {
	r.Result.WriteText(w)
	if r.StartWith != "" {
		fmt.Fprintln(w, r.StartWith)
	}
}

// RestorePITR prepares req.PGData for point-in-time recovery to the
// target (pitr.Restore) with req's choices, every object (base backup,
// WAL) read from the first destination that has it and can serve it. A
// target that is not exactly one, a time that does not parse, or no data
// directory is a ConfigError.
func RestorePITR(ctx context.Context, cfg config.Config, req PITRRequest) (PITRResult, error) {
	t := req.Target
	switch {
	case req.At != "" && t.LSN == "" && !t.Latest:
		var err error
		if t.Time, err = time.Parse(time.RFC3339, req.At); err != nil {
			return PITRResult{}, ConfigError{fmt.Errorf("--target-time: %w", err)}
		}
	case req.At == "" && (t.LSN != "") != t.Latest: // one of the other two
	default:
		return PITRResult{}, ConfigError{errors.New("choose exactly one of --target-time, --target-lsn, --latest")}
	}
	if req.PGData == "" {
		return PITRResult{}, ConfigError{errors.New("--pgdata DIR is required")}
	}
	c := req.Config
	if c.RestoreCommand == "" {
		c.RestoreCommand = WALFetchCommand(req.ConfigPath)
	}
	set, keys, err := OpenDestinations(ctx, cfg)
	if err != nil {
		return PITRResult{}, err
	}
	c.Store, c.Layout, c.Keys = destinations.NewReader(set, destinations.TellServed(req.Tell)), Layout(cfg), keys
	res, err := pitr.Restore(ctx, c, t, req.PGData)
	if err != nil {
		return PITRResult{}, err
	}
	out := PITRResult{Result: res}
	if !req.Start {
		out.StartWith = fmt.Sprintf("start it with: pg_ctl -D %s start  (the environment must hold %s for wal-fetch)", req.PGData, cfg.Keys.PassphraseEnv)
	}
	return out, nil
}
