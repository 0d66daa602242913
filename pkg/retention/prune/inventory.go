package prune

import (
	"context"
	"errors"
	"fmt"
	"path"
	"sync"

	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/objstore"
	"github.com/arcabackup/arca/pkg/retention"
)

// Inventory is what a bucket holds under tenants/, full/ and base/.
type Inventory struct {
	Backups []retention.Backup // folders with a manifest that reads well
	Orphans []Folder           // folders without a manifest
	// Problems are folders whose manifest cannot be used (unreadable,
	// refused because it does not authenticate as this folder's manifest,
	// or describing another folder); they are neither backups nor orphans,
	// and nothing of their tenant (or kind) is deleted in the run.
	Problems []Problem
}

// Folder is one backup folder and its objects, in key order.
type Folder = backup.Folder

// readers bounds the manifests and verifications read at once.
const readers = 16

// Inventory lists the bucket and reads every manifest and verification.
func (p *Pruner) Inventory(ctx context.Context) (Inventory, error) {
	folders, err := p.repo().Folders(ctx)
	if err != nil {
		return Inventory{}, err
	}
	var inv Inventory
	results := make([]result, len(folders))
	var wg sync.WaitGroup
	sem := make(chan struct{}, readers)
	for i, f := range folders {
		if !f.HasManifest() {
			inv.Orphans = append(inv.Orphans, f)
			continue
		}
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			results[i] = p.read(ctx, f)
		})
	}
	wg.Wait()
	var errs []error
	for _, r := range results {
		switch {
		case r.err != nil:
			errs = append(errs, r.err)
		case r.problem != nil:
			inv.Problems = append(inv.Problems, *r.problem)
		}
		if r.backup != nil {
			inv.Backups = append(inv.Backups, *r.backup)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return Inventory{}, fmt.Errorf("inventory: %w", err)
	}
	return inv, nil
}

// result of reading one folder: a backup, a problem, or an error that
// stops the run.
type result struct {
	backup  *retention.Backup
	problem *Problem
	err     error
}

// read parses the folder's manifest and asks for its verification.
func (p *Pruner) read(ctx context.Context, f Folder) result {
	key := f.Dir + "/" + backup.ManifestObject
	problem := func(err error) result { return result{problem: &Problem{Key: key, Error: err.Error()}} }
	m, err := p.repo().Manifest(ctx, key)
	if errors.Is(err, objstore.ErrNotFound) {
		return result{} // deleted since the listing
	}
	if err != nil {
		return problem(err)
	}
	if err := belongs(m, f); err != nil {
		return problem(fmt.Errorf("manifest %s: %w", key, err))
	}
	b := retention.Backup{
		Kind: m.Kind, Tenant: m.Tenant, BackupID: m.BackupID, Dir: f.Dir,
		CreatedAt: m.CreatedAt, RetainUntil: m.RetainUntil,
		Verification: retention.NotVerified, Size: f.Size(),
	}
	v, found, err := p.cfg.Verifications.Verification(ctx, key, m)
	var r result
	switch {
	case errors.Is(err, errUnreadable):
		r = problem(err)
	case err != nil:
		return result{err: err}
	case found && v.Verified:
		b.Verification = retention.Verified
	case found:
		b.Verification = retention.VerificationFailed
	}
	r.backup = &b
	return r
}

// belongs checks that the manifest describes the folder it is in, so that
// a misplaced manifest cannot get another backup's objects deleted.
func belongs(m backup.Manifest, f Folder) error {
	if m.Kind != f.Kind || path.Base(f.Dir) != m.BackupID {
		return fmt.Errorf("describes %s backup %s, not this folder", m.Kind, m.BackupID)
	}
	if m.Kind == "tenant" && path.Base(path.Dir(f.Dir)) != backup.TenantSegment(m.Tenant) {
		return fmt.Errorf("describes tenant %s, not this folder", m.Tenant)
	}
	return nil
}
