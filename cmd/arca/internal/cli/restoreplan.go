package cli

import (
	"context"
	"fmt"

	"github.com/arcabackup/arca/cmd/arca/internal/stack"
	"github.com/arcabackup/arca/pkg/objstore"
	"github.com/arcabackup/arca/pkg/restore"
	"github.com/arcabackup/arca/services/coordinator/coordinator"
)

// planRestore is restore.PlanTenant for the console's restore form.
func (a *app) planRestore(ctx context.Context, store objstore.Store, r coordinator.RestoreJob) (coordinator.RestorePlan, error) {
	if r.Kind != "tenant" {
		return coordinator.RestorePlan{}, fmt.Errorf("plan restore %s: only tenant backups restore through the console", r.BackupID)
	}
	keys, err := stack.Keyring(ctx, a.cfg, false)
	if err != nil {
		return coordinator.RestorePlan{}, err
	}
	e, err := a.selectBackup(ctx, a.repo(store, keys), r.BackupID, r.Tenant, false, "")
	if err != nil {
		return coordinator.RestorePlan{}, err
	}
	p, err := restore.PlanTenant(ctx, a.cfg.Source.URL, e.Manifest, stack.Tenancy(a.cfg), r.Mode == coordinator.RestoreReplace)
	out := coordinator.RestorePlan{Schema: p.Schema}
	for _, t := range p.Tables {
		out.Tables = append(out.Tables, coordinator.PlanTable(t))
	}
	return out, err
}
