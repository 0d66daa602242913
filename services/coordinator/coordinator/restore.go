package coordinator

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/arcabackup/arca/services/coordinator/internal/api"
	"github.com/arcabackup/arca/services/coordinator/internal/catalog"
)

// RestoreJob is a restore the coordinator hands to its Restore executor.
type RestoreJob struct {
	ID          string
	BackupID    string
	Tenant      string
	Kind        string
	ManifestKey string
	// Mode is RestoreTarget (the API's), RestoreIntoSchema or
	// RestoreReplace (the console's).
	Mode string
	// Target names the scratch database or the schema, as the executor
	// understands it; empty for RestoreReplace.
	Target string
	// Report records the executor's one-line summary of the outcome
	// (tables, rows, time), shown with the restore. Never nil.
	Report func(result string)
}

// StartRestore records a restore of a committed backup and runs the
// executor in the background; Restore shows its progress.
func (c *Coordinator) StartRestore(ctx context.Context, backupID, target string) (Restore, error) {
	return c.startRestore(ctx, backupID, RestoreTarget, target)
}

func (c *Coordinator) startRestore(ctx context.Context, backupID, mode, target string) (Restore, error) {
	if c.deps.Restore == nil {
		return Restore{}, fmt.Errorf("restore %s: %w", backupID, api.ErrNoExecutor)
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
	switch {
	case mode == RestoreReplace && target == "", (mode == RestoreTarget || mode == RestoreIntoSchema) && target != "":
	default:
		return Restore{}, fmt.Errorf("restore %s: %w: mode %q with target %q", backupID, api.ErrInvalid, mode, target)
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
	c.restores.Go(func() { c.execute(job) })
	return r, nil
}

// execute runs one restore and records its outcome.
func (c *Coordinator) execute(job RestoreJob) {
	ctx := c.restoreCtx
	now := func() time.Time { return time.Now().UTC() }
	if err := c.cat.SetRestoreState(ctx, job.ID, catalog.RestoreRunning, nil, now()); err != nil {
		c.log.Warn("restore state not recorded", "restore", job.ID, "err", err)
	}
	runErr := c.deps.Restore(ctx, job)
	state := catalog.RestoreSucceeded
	if runErr != nil {
		state = catalog.RestoreFailed
		c.log.Error("restore failed", "restore", job.ID, "backup", job.BackupID, "err", runErr)
	}
	if err := c.cat.SetRestoreState(context.WithoutCancel(ctx), job.ID, state, runErr, now()); err != nil {
		c.log.Warn("restore state not recorded", "restore", job.ID, "err", err)
	}
}

// RestoreStatus shows one restore.
func (c *Coordinator) RestoreStatus(ctx context.Context, id string) (Restore, error) {
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
