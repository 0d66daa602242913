package fanout

import (
	"context"
	"errors"
	"fmt"

	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/pkg/tenancy"
)

// tenants returns who a run backs up: the named tenants, or every tenant
// the source lists now (recorded, so removed tenants are known), or the
// whole database ("") for the other kinds.
func (f *Fanout) tenants(ctx context.Context, kind string, named []string) ([]string, error) {
	if messages.Kind(kind) != messages.KindTenant {
		return []string{""}, nil
	}
	if named != nil {
		return named, nil
	}
	if f.Source == nil {
		return nil, errors.New("list tenants: no source database configured")
	}
	list, err := tenancy.ListTenants(ctx, f.Source, f.Tenancy)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	ids := make([]string, 0, len(list))
	for _, t := range list {
		if !seen[t.ID] {
			seen[t.ID] = true
			ids = append(ids, t.ID)
		}
	}
	if err := f.Catalog.ListedTenants(ctx, ids, f.now()); err != nil {
		return nil, fmt.Errorf("list tenants: %w", err)
	}
	return ids, nil
}
