package prune

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/objstore"
	"github.com/arcabackup/arca/pkg/retention"
)

// deleteBackup deletes one backup's folder: manifest first, then the rest.
func (p *Pruner) deleteBackup(ctx context.Context, d retention.Decision, dryRun bool) Deletion {
	del := Deletion{Decision: d}
	fail := func(outcome Outcome, err error) Deletion {
		del.Outcome, del.Error, del.err = outcome, err.Error(), err
		if le := (*objstore.LockedError)(nil); errors.As(err, &le) {
			del.Lock = &le.Lock
		}
		return del
	}
	manifestKey := d.Dir + "/" + backup.ManifestObject
	// Read the artifact's lock first: deleting the manifest of a locked
	// artifact would leave retained data that nobody can restore. The
	// manifest's own lock is the store's to enforce; a dry run reads it
	// too, to predict the refusal.
	checks := []string{d.Dir + "/" + backup.DataObject}
	if dryRun {
		checks = append(checks, manifestKey)
	}
	for _, key := range checks {
		if err := p.checkUnlocked(ctx, key); err != nil {
			return fail(outcomeOf(err), err)
		}
	}
	objects, err := p.list(ctx, d.Dir+"/")
	if err != nil {
		return fail(Failed, err)
	}
	if dryRun {
		del.Outcome = WouldDelete
		for _, o := range objects {
			del.BytesFreed += o.Size
		}
		return del
	}
	// The manifest goes first: from then on this is not a backup.
	i := slices.IndexFunc(objects, func(o objstore.ObjectInfo) bool { return o.Key == manifestKey })
	if i < 0 {
		return fail(Failed, fmt.Errorf("delete backup %s: manifest %s gone since the listing", d.BackupID, manifestKey))
	}
	manifest := objects[i]
	if err := p.store.Delete(ctx, manifest.Key); err != nil {
		return fail(outcomeOf(err), fmt.Errorf("delete backup %s: %w", d.BackupID, err))
	}
	del.Outcome, del.BytesFreed = Deleted, manifest.Size
	var errs []error
	for _, o := range slices.Delete(objects, i, i+1) {
		if err := p.store.Delete(ctx, o.Key); err != nil {
			errs = append(errs, err)
			continue
		}
		del.BytesFreed += o.Size
	}
	if err := errors.Join(errs...); err != nil {
		outcome := fail(Partial, fmt.Errorf("delete backup %s: manifest deleted, objects left: %w", d.BackupID, err))
		outcome.BytesFreed = del.BytesFreed
		return outcome
	}
	return del
}

// checkUnlocked returns a *objstore.LockedError when Object Lock protects
// the object now. A missing object is not locked.
func (p *Pruner) checkUnlocked(ctx context.Context, key string) error {
	info, err := p.store.Stat(ctx, key)
	if errors.Is(err, objstore.ErrNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("check lock of %s: %w", key, err)
	}
	if info.Lock.Active(p.cfg.Now()) {
		return &objstore.LockedError{Key: key, Lock: info.Lock}
	}
	return nil
}

// outcomeOf maps a refused delete to Locked and any other error to Failed.
func outcomeOf(err error) Outcome {
	if errors.Is(err, objstore.ErrLocked) {
		return Locked
	}
	return Failed
}

func (p *Pruner) list(ctx context.Context, prefix string) ([]objstore.ObjectInfo, error) {
	var out []objstore.ObjectInfo
	for o, err := range p.store.List(ctx, prefix) {
		if err != nil {
			return nil, fmt.Errorf("list %s: %w", prefix, err)
		}
		out = append(out, o)
	}
	return out, nil
}
