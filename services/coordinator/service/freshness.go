package service

import (
	"context"
	"fmt"
	"time"

	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/services/coordinator/internal/catalog"
)

// Scope is one tenant's backups of one kind ("" tenant for whole-database
// kinds). It has the same fields as the alerter's alert.Scope, so the
// alerter converts with alert.Scope(s).
type Scope struct {
	Tenant string
	Kind   messages.Kind
}

// Freshness answers the alerter's staleness questions from the catalog
// (the alerter's stale.Freshness, with Scope in place of alert.Scope).
type Freshness struct{ cat *catalog.Catalog }

// NewFreshness reads freshness from a migrated catalog.
func NewFreshness(db catalog.DB) *Freshness { return &Freshness{cat: catalog.New(db)} }

// LastSuccess returns, for every scope expected to back up, the time of
// its newest commit or verification, or, if it never succeeded, of its
// first job. Tenants the last fan-out no longer listed are left out.
func (f *Freshness) LastSuccess(ctx context.Context) (map[Scope]time.Time, error) {
	return convert(f.cat.LastSuccess(ctx))
}

// LastDrill returns, for every drilled scope, the time of its newest
// successful drill, or of its first drill event.
func (f *Freshness) LastDrill(ctx context.Context) (map[Scope]time.Time, error) {
	return convert(f.cat.LastDrill(ctx))
}

func convert(in map[catalog.Scope]time.Time, err error) (map[Scope]time.Time, error) {
	if err != nil {
		return nil, fmt.Errorf("freshness from catalog: %w", err)
	}
	out := make(map[Scope]time.Time, len(in))
	for s, t := range in {
		out[Scope{Tenant: s.Tenant, Kind: messages.Kind(s.Kind)}] = t
	}
	return out, nil
}
