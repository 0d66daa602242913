package service

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"regexp"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"

	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/services/coordinator/internal/api"
	"github.com/arcabackup/arca/services/coordinator/internal/catalog"
)

// RestoreJob is a restore the coordinator runs in the background.
type RestoreJob struct {
	ID          string
	BackupID    string
	Tenant      string
	Kind        string
	ManifestKey string
	// Mode is RestoreTarget (the API's), RestoreIntoSchema or
	// RestoreReplace (the console's).
	Mode string
	// Target is the scratch database's full name (RestoreTarget, always
	// ScratchPrefix followed by a short name: used as it is, never
	// renamed) or the schema (RestoreIntoSchema); empty for RestoreReplace.
	Target string
	// Report records the executor's one-line summary of the outcome
	// (tables, rows, time), shown with the restore. Never nil.
	Report func(result string)
}

// ScratchPrefix begins the name of every database a RestoreTarget restore
// may create and write into, so that one can never address the source
// database or another application's.
const ScratchPrefix = "arca_restore_"

var (
	scratchDatabase = regexp.MustCompile(`^arca_restore_[a-z0-9_]{1,40}$`)
	schemaName      = regexp.MustCompile(`^[a-z][a-z0-9_]{0,40}$`)
)

// checkTarget refuses, before anything is recorded, a target the executor
// would refuse later.
func checkTarget(mode, target string) error {
	switch mode {
	case RestoreTarget:
		if !scratchDatabase.MatchString(target) {
			return fmt.Errorf("%w: target %q: name the scratch database to restore into in full, %s<name> "+
				"(lower-case letters, digits and _, at most 40 after the prefix); it is created if missing and used as named",
				api.ErrInvalid, target, ScratchPrefix)
		}
	case RestoreIntoSchema:
		if !schemaName.MatchString(target) {
			return fmt.Errorf("%w: schema %q: want a short lower-case name", api.ErrInvalid, target)
		}
	case RestoreReplace:
		if target != "" {
			return fmt.Errorf("%w: a replacing restore takes no target", api.ErrInvalid)
		}
	default:
		return fmt.Errorf("%w: unknown restore mode %q", api.ErrInvalid, mode)
	}
	return nil
}

// StartRestore records a restore of a committed backup and runs the
// executor in the background; Restore shows its progress.
func (c *Service) StartRestore(ctx context.Context, backupID, target string) (Restore, error) {
	return c.startRestore(ctx, backupID, RestoreTarget, target)
}

func (c *Service) startRestore(ctx context.Context, backupID, mode, target string) (Restore, error) {
	if c.ops == nil {
		return Restore{}, fmt.Errorf("restore %s: %w", backupID, api.ErrNoExecutor)
	}
	if err := checkTarget(mode, target); err != nil {
		return Restore{}, fmt.Errorf("restore %s: %w", backupID, err)
	}
	if err := c.setup(ctx); err != nil {
		return Restore{}, err
	}
	b, err := c.cat.Backup(ctx, backupID)
	if err != nil {
		return Restore{}, fmt.Errorf("restore: %w", err)
	}
	if b.ManifestKey == "" {
		return Restore{}, fmt.Errorf("restore %s: %w: the backup is not committed", backupID, api.ErrInvalid)
	}
	if b.Kind != string(messages.KindTenant) {
		return Restore{}, fmt.Errorf("restore %s: %w: a %s backup; only tenant backups restore here (arca restore full restores the others)",
			backupID, api.ErrInvalid, b.Kind)
	}
	r := Restore{ID: restoreID(), BackupID: backupID, Tenant: b.Tenant, Target: target, Mode: mode,
		State: catalog.RestoreRequested, RequestedAt: time.Now().UTC()}
	if err := c.cat.AddRestore(ctx, r); err != nil {
		return Restore{}, fmt.Errorf("restore: %w", err)
	}
	job := RestoreJob{ID: r.ID, BackupID: b.BackupID, Tenant: b.Tenant, Kind: b.Kind, ManifestKey: b.ManifestKey, Mode: mode, Target: target}
	job.Report = func(result string) {
		if err := c.cat.SetRestoreResult(context.WithoutCancel(c.restoreCtx), job.ID, result); err != nil {
			c.log.Warn("restore result not recorded", "restore", job.ID, "err", err)
		}
	}
	link := trace.SpanContextFromContext(ctx) // the request's span, if any
	c.restores.Go(func() { c.execute(trace.ContextWithSpanContext(c.restoreCtx, link), job) })
	return r, nil
}

// execute runs one restore and records its outcome.
func (c *Service) execute(ctx context.Context, job RestoreJob) {
	ctx, span := c.tracer().Start(ctx, "restore "+job.Mode, trace.WithAttributes(
		attribute.String("arca.restore_id", job.ID), attribute.String("arca.backup_id", job.BackupID),
		attribute.String("arca.tenant", job.Tenant), attribute.String("arca.kind", job.Kind),
		attribute.String("arca.restore.mode", job.Mode), attribute.String("arca.restore.target", job.Target)))
	defer span.End()
	now := func() time.Time { return time.Now().UTC() }
	if err := c.cat.SetRestoreState(ctx, job.ID, catalog.RestoreRunning, nil, now()); err != nil {
		c.log.Warn("restore state not recorded", "restore", job.ID, "err", err)
	}
	runErr := c.ops.restore(ctx, job)
	state := catalog.RestoreSucceeded
	if runErr != nil {
		state = catalog.RestoreFailed
		c.log.Error("restore failed", "restore", job.ID, "backup", job.BackupID, "err", runErr)
		span.RecordError(runErr)
		span.SetStatus(codes.Error, runErr.Error())
	}
	if err := c.cat.SetRestoreState(context.WithoutCancel(ctx), job.ID, state, runErr, now()); err != nil {
		c.log.Warn("restore state not recorded", "restore", job.ID, "err", err)
	}
}

// tracer is where the coordinator's own spans go (restores, drills,
// scheduled runs).
func (c *Service) tracer() trace.Tracer {
	tp := c.cfg.Tracer
	if tp == nil {
		tp = otel.GetTracerProvider()
	}
	return tp.Tracer("github.com/arcabackup/arca/services/coordinator")
}

// traced runs f in a span named name, recording its error.
func (c *Service) traced(ctx context.Context, name string, f func(context.Context) error, attrs ...attribute.KeyValue) error {
	ctx, span := c.tracer().Start(ctx, name, trace.WithAttributes(attrs...))
	defer span.End()
	err := f(ctx)
	if err != nil {
		span.RecordError(err)
		span.SetStatus(codes.Error, err.Error())
	}
	return err
}

// RestoreStatus shows one restore.
func (c *Service) RestoreStatus(ctx context.Context, id string) (Restore, error) {
	if err := c.setup(ctx); err != nil {
		return Restore{}, err
	}
	return c.cat.Restore(ctx, id)
}

func restoreID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return "restore-" + time.Now().UTC().Format("20060102T150405Z") + "-" + hex.EncodeToString(b)
}
