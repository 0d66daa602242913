package prune

import (
	"context"
	"errors"
	"time"

	"github.com/arcabackup/arca/pkg/objstore"
)

// deleteOrphan deletes a folder without a manifest, object by object.
func (p *Pruner) deleteOrphan(ctx context.Context, f Folder, dryRun bool) Orphan {
	o := Orphan{Dir: f.Dir, Objects: len(f.Objects), LastModified: f.LastModified(), Outcome: Deleted}
	if dryRun {
		o.Outcome, o.Bytes = WouldDelete, f.Size()
		return o
	}
	var errs []error
	for _, obj := range f.Objects {
		if err := p.store.Delete(ctx, obj.Key); err != nil {
			errs = append(errs, err)
			continue
		}
		o.Bytes += obj.Size
	}
	if err := errors.Join(errs...); err != nil {
		o.Outcome, o.Error, o.err = outcomeOf(err), err.Error(), err
		if le := (*objstore.LockedError)(nil); errors.As(err, &le) {
			o.Lock = &le.Lock
		}
	}
	return o
}

// staleOrphans are the orphans whose newest object is older than OrphanAge.
func (p *Pruner) staleOrphans(orphans []Folder, now time.Time) []Folder {
	var out []Folder
	for _, f := range orphans {
		if f.LastModified().Before(now.Add(-p.cfg.OrphanAge)) {
			out = append(out, f)
		}
	}
	return out
}
