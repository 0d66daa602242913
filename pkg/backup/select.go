package backup

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// ErrNoSelector is returned by Select when neither a backup id nor a
// tenant with Latest or At names a backup; a caller maps it to a usage
// error.
var ErrNoSelector = errors.New("name a backup: --backup ID, or --tenant ID with --latest or --at TIME")

// Selector names one tenant backup: by id (searched within Tenant's
// folder when Tenant is set), or a tenant's newest (Latest), or its newest
// created at or before At.
type Selector struct {
	ID     string
	Tenant string
	Latest bool
	At     time.Time
}

// FindTenant is Find under every folder, or only the tenant's when tenant
// is set.
func (r Repository) FindTenant(ctx context.Context, id, tenant string) (string, error) {
	if tenant == "" {
		return r.Find(ctx, id)
	}
	return r.Find(ctx, id, r.Layout.TenantPrefix(tenant))
}

// Get reads the manifest of one backup, found by its id in the keys
// (under every folder, or only the tenant's when tenant is set), and the
// verification beside it.
func (r Repository) Get(ctx context.Context, id, tenant string) (Entry, error) {
	key, err := r.FindTenant(ctx, id, tenant)
	if err != nil {
		return Entry{}, err
	}
	m, err := r.Manifest(ctx, key)
	if err != nil {
		return Entry{}, err
	}
	e := Entry{Key: key, Manifest: m}
	if v, found, err := r.Verification(ctx, key); err != nil {
		e.VerificationErr = err
	} else if found {
		e.Verification = &v
	}
	return e, nil
}

// ListStrict is List for a caller that chooses among the backups: a
// refused manifest is an error, since the refused one may be the one to
// choose. Newest backup id first.
func (r Repository) ListStrict(ctx context.Context, prefixes ...string) ([]Entry, error) {
	found, err := r.List(ctx, prefixes...)
	if err != nil {
		return nil, err
	}
	if err := errors.Join(found.Refused...); err != nil {
		return nil, err
	}
	return found.Backups, nil
}

// Latest is the newest backup of a kind ("full", "base") or, with kind
// "tenant", of one tenant; found is false when there is none. A refused
// manifest among them is an error.
func (r Repository) Latest(ctx context.Context, kind, tenant string) (e Entry, found bool, err error) {
	prefix := r.Layout.KindPrefix(kind)
	if kind == "tenant" {
		prefix = r.Layout.TenantPrefix(tenant)
	}
	all, err := r.ListStrict(ctx, prefix)
	if err != nil || len(all) == 0 {
		return Entry{}, false, err
	}
	return all[0], true, nil
}

// Select picks one tenant backup as s says. Choosing the newest refuses
// to choose at all when one of the tenant's manifests is refused: the
// refused one may be the newest.
func (r Repository) Select(ctx context.Context, s Selector) (Entry, error) {
	if s.ID != "" {
		e, err := r.Get(ctx, s.ID, s.Tenant)
		if err == nil && e.Manifest.Kind != "tenant" {
			return Entry{}, fmt.Errorf("backup %s is a %s backup, not a tenant backup", s.ID, e.Manifest.Kind)
		}
		return e, err
	}
	if s.Tenant == "" || (!s.Latest && s.At.IsZero()) {
		return Entry{}, ErrNoSelector
	}
	all, err := r.ListStrict(ctx, r.Layout.TenantPrefix(s.Tenant))
	if err != nil {
		return Entry{}, fmt.Errorf("choose a backup of tenant %s: %w", s.Tenant, err)
	}
	for _, e := range all {
		if s.At.IsZero() || !e.Manifest.CreatedAt.After(s.At) {
			return e, nil
		}
	}
	return Entry{}, fmt.Errorf("no backup of tenant %s found", s.Tenant)
}
