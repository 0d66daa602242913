package service

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"strings"
	"time"

	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/objstore"
	"github.com/arcabackup/arca/pkg/restore"
	"github.com/arcabackup/arca/pkg/retention/prune"
	"github.com/arcabackup/arca/pkg/seal/keyring"
)

// bucketOps carries out the coordinator's operations on the bucket and the
// source database itself, and hands drills, base backups and WAL checks to
// Tasks.
type bucketOps struct {
	store objstore.Store
	keys  KeySource
	tasks Tasks
	cfg   Config
	log   *slog.Logger
}

func (o bucketOps) tasksWired() bool { return o.tasks.wired() }

func (o bucketOps) repo(ctx context.Context) (backup.Repository, error) {
	keys, err := o.keys.Keyring(ctx)
	if err != nil {
		return backup.Repository{}, err
	}
	return backup.Repository{Store: o.store, Layout: o.cfg.Layout, Keys: keys}, nil
}

// manifest reads and authenticates the manifest the catalog names for a
// restore: the catalog says where, the bucket says what.
func (o bucketOps) manifest(ctx context.Context, r RestoreJob) (backup.Repository, backup.Manifest, error) {
	repo, err := o.repo(ctx)
	if err != nil {
		return repo, backup.Manifest{}, err
	}
	key := r.ManifestKey
	if key == "" {
		if key, err = repo.Find(ctx, r.BackupID, o.cfg.Layout.TenantPrefix(r.Tenant)); err != nil {
			return repo, backup.Manifest{}, err
		}
	}
	m, err := repo.Manifest(ctx, key)
	if err != nil {
		return repo, m, err
	}
	if m.BackupID != r.BackupID || string(m.Kind) != "tenant" {
		return repo, m, fmt.Errorf("restore %s: manifest %s is of backup %s (%s)", r.BackupID, key, m.BackupID, m.Kind)
	}
	return repo, m, nil
}

var scratchName = regexp.MustCompile(`^[a-z][a-z0-9_]{0,52}$`)

// restore restores a tenant backup as the request's mode says: into the
// scratch database the target names in full, arca_restore_<name> (the
// API's and the console's), side by side into the schema <target> of the
// source database, or replacing the tenant there (the console's, after a
// typed confirmation).
func (o bucketOps) restore(ctx context.Context, r RestoreJob) error {
	if r.Kind != "tenant" {
		return fmt.Errorf("restore %s: only tenant backups restore through the API", r.BackupID)
	}
	opts := restore.Options{Tenancy: o.cfg.Tenancy}
	switch r.Mode {
	case RestoreTarget, "":
		// The coordinator checked the name before accepting the restore;
		// it is used as named, never renamed.
		if !strings.HasPrefix(r.Target, ScratchPrefix) || !scratchName.MatchString(r.Target) {
			return fmt.Errorf("restore target %q: want a scratch database %s<name>", r.Target, ScratchPrefix)
		}
		opts.Mode = restore.ModeTarget
	case RestoreIntoSchema:
		if !scratchName.MatchString(r.Target) {
			return fmt.Errorf("restore schema %q: want a short lower-case name", r.Target)
		}
		opts.Mode, opts.Schema = restore.ModeIntoSchema, r.Target
	case RestoreReplace:
		opts.Mode = restore.ModeReplace
	default:
		return fmt.Errorf("restore %s: unknown mode %q", r.BackupID, r.Mode)
	}
	repo, m, err := o.manifest(ctx, r)
	if err != nil {
		return err
	}
	db := o.cfg.SourceURL
	if opts.Mode == restore.ModeTarget {
		if db, err = scratchURL(ctx, o.cfg.SourceURL, r.Target); err != nil {
			return err
		}
	}
	res, err := restore.TenantFromBucket(ctx, o.store, db, m, repo.Keys, opts, restore.BucketOptions{})
	if err != nil {
		return err
	}
	var rows int64
	for _, t := range res.Tables {
		rows += t.Rows
	}
	r.Report(fmt.Sprintf("restored tenant %s from backup %s (%s): %d tables, %d rows, %d deleted first, in %s",
		res.Tenant, res.BackupID, res.Mode, len(res.Tables), rows, res.Deleted, res.Duration.Round(time.Millisecond)))
	return nil
}

func (o bucketOps) pruner(ctx context.Context) (*prune.Pruner, error) {
	keys, err := o.keys.Keyring(ctx)
	if err != nil {
		return nil, err
	}
	return o.prunerOf(keys, RetentionCopy{Store: o.store, Policy: o.cfg.Retention}, true)
}

// prunerOf is the pruner of one destination: the primary's WAL archive
// with the primary's base backups, a copy's with its own (its WAL field).
func (o bucketOps) prunerOf(keys *keyring.Keyring, d RetentionCopy, primary bool) (*prune.Pruner, error) {
	cfg := prune.Config{Layout: o.cfg.Layout, Keys: keys, Policy: d.Policy, WAL: d.WAL}
	if primary && o.tasks.WALPruner != nil {
		cfg.WAL = o.tasks.WALPruner
	}
	return prune.New(d.Store, cfg)
}

// retention applies each destination's retention policy to it: the
// primary's, then each further destination's own, with the keyring opened
// once for the run.
func (o bucketOps) retention(ctx context.Context, run RunInfo) error {
	keys, err := o.keys.Keyring(ctx)
	if err != nil {
		return err
	}
	dests := append([]RetentionCopy{{Store: o.store, Policy: o.cfg.Retention}}, o.cfg.Copies...)
	var errs []error
	for i, d := range dests {
		log := o.log.With("run", run.ID)
		if i > 0 {
			log = log.With("destination", d.Name)
		}
		p, err := o.prunerOf(keys, d, i == 0)
		if err == nil {
			var rep prune.Report
			rep, err = p.Run(ctx, false)
			log.Info("retention run", "deleted", rep.Deleted, "locked", rep.Locked, "freed", rep.BytesFreed, "problems", len(rep.Problems))
			for _, pr := range rep.Problems {
				log.Warn("retention skipped", "key", pr.Key, "err", pr.Error)
			}
		}
		if err != nil && i > 0 {
			err = fmt.Errorf("destination %s: %w", d.Name, err)
		}
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// retentionPlan is `arca prune --dry-run` for the console: the plan with
// its reasons, nothing deleted.
func (o bucketOps) retentionPlan(ctx context.Context) ([]RetentionDecision, error) {
	p, err := o.pruner(ctx)
	if err != nil {
		return nil, err
	}
	rep, err := p.Run(ctx, true)
	if err != nil {
		return nil, err
	}
	out := make([]RetentionDecision, 0, len(rep.Plan.Decisions))
	for _, d := range rep.Plan.Decisions {
		out = append(out, RetentionDecision{BackupID: d.BackupID, Tenant: d.Tenant, Kind: d.Kind,
			CreatedAt: d.CreatedAt, Action: string(d.Action), Reasons: d.Reasons})
	}
	return out, nil
}

// keyVersions lists the keyring's versions for the console, never their
// material.
func (o bucketOps) keyVersions(ctx context.Context) ([]KeyVersion, error) {
	kr, err := o.keys.Keyring(ctx)
	if err != nil {
		return nil, err
	}
	infos := kr.List()
	out := make([]KeyVersion, 0, len(infos))
	for _, i := range infos {
		out = append(out, KeyVersion{ID: i.ID, Tenant: i.Tenant, Number: i.Number, Created: i.Created,
			Primary: i.Primary, Kind: i.Kind, Destroyed: i.Destroyed})
	}
	return out, nil
}

// drill, base and walCheck are called only when tasksWired.
func (o bucketOps) drill(ctx context.Context, run RunInfo) error {
	return o.tasks.Drills.Drill(ctx, run.ID)
}

func (o bucketOps) base(ctx context.Context, run RunInfo) error {
	return o.tasks.Bases.BaseBackup(ctx, "arca "+run.ID)
}

func (o bucketOps) walCheck(ctx context.Context, _ RunInfo) error {
	return o.tasks.WALChecks.CheckWAL(ctx)
}
