package prune

import (
	"context"
	"errors"
	"fmt"

	"github.com/arcabackup/arca/pkg/objstore"
	"github.com/arcabackup/arca/pkg/retention"
)

// Run applies the policy: it takes the inventory, plans, deletes what the
// plan deletes, sweeps old orphans, aborts stale multipart uploads and
// prunes the WAL. With dryRun it only reads. Backups refused by Object
// Lock are reported, not errors; the error joins the failures of the
// store (the report still says everything the run did).
func (p *Pruner) Run(ctx context.Context, dryRun bool) (Report, error) {
	now := p.cfg.Now()
	inv, err := p.Inventory(ctx)
	if err != nil {
		return Report{}, fmt.Errorf("prune: %w", err)
	}
	plan := p.cfg.Policy.Plan(inv.Backups, now)
	p.hold(&plan, inv.Problems)
	rep := Report{DryRun: dryRun, At: now, Backups: len(inv.Backups), Problems: inv.Problems, Plan: plan, Deletions: []Deletion{}}
	var errs []error
	var kept []retention.Backup // base backups still there after the run
	for _, d := range plan.Decisions {
		if d.Action == retention.Keep {
			rep.Kept++
			if d.Kind == "base" {
				kept = append(kept, d.Backup)
			}
			continue
		}
		if err := ctx.Err(); err != nil {
			return rep, fmt.Errorf("prune: %w", err)
		}
		del := p.deleteBackup(ctx, d, dryRun)
		rep.Deletions = append(rep.Deletions, del)
		rep.BytesFreed += del.BytesFreed
		switch del.Outcome {
		case Locked:
			rep.Locked++
		case Failed:
			rep.Failed++
		default:
			rep.Deleted++
		}
		if del.err != nil && !errors.Is(del.err, objstore.ErrLocked) {
			errs = append(errs, del.err)
		}
		if (del.Outcome == Locked || del.Outcome == Failed) && d.Kind == "base" {
			kept = append(kept, d.Backup)
		}
	}
	for _, f := range p.staleOrphans(inv.Orphans, now) {
		o := p.deleteOrphan(ctx, f, dryRun)
		rep.Orphans = append(rep.Orphans, o)
		rep.BytesFreed += o.Bytes
		if o.err != nil && !errors.Is(o.err, objstore.ErrLocked) {
			errs = append(errs, o.err)
		}
	}
	if err := p.abortStale(ctx, &rep, now, dryRun); err != nil {
		errs = append(errs, err)
	}
	if p.cfg.WAL != nil && len(kept) > 0 && p.heldGroup(inv.Problems, "base") {
		rep.Problems = append(rep.Problems, Problem{Key: p.cfg.Layout.KindPrefix("wal"),
			Error: "WAL left alone: a base backup's manifest was refused, and the WAL it needs cannot be told"})
	} else if p.cfg.WAL != nil && len(kept) > 0 {
		w, err := p.cfg.WAL.PruneWAL(ctx, kept, dryRun)
		if err != nil {
			errs = append(errs, fmt.Errorf("prune WAL: %w", err))
		} else {
			rep.WAL = &w
			rep.BytesFreed += w.Bytes
		}
	}
	if err := errors.Join(errs...); err != nil {
		return rep, fmt.Errorf("prune: %w", err)
	}
	return rep, nil
}

// hold turns into keeps the deletions of every group (a tenant's backups,
// the full backups, the base backups) in which a manifest could not be
// used: a plan made without that backup must not delete the others on its
// word (it may be the newest, or the verified one). A problem whose key
// names no group holds every deletion.
func (p *Pruner) hold(plan *retention.Plan, problems []Problem) {
	for i := range plan.Decisions {
		d := &plan.Decisions[i]
		if d.Action == retention.Delete && p.heldGroup(problems, group(d.Kind, d.Tenant)) {
			d.Action = retention.Keep
			d.Reasons = append(d.Reasons, "held: a manifest of the same "+group(d.Kind, d.Tenant)+" was refused (see problems)")
		}
	}
}

// heldGroup reports whether a problem concerns the group.
func (p *Pruner) heldGroup(problems []Problem, g string) bool {
	for _, pr := range problems {
		r, err := p.cfg.Layout.Ref(pr.Key)
		if err != nil || group(r.Kind, r.Tenant) == g {
			return true
		}
	}
	return false
}

func group(kind, tenant string) string {
	if kind == "tenant" {
		return "tenant " + tenant
	}
	return kind
}
