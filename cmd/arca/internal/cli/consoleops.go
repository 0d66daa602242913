package cli

import (
	"context"

	"github.com/arcabackup/arca/cmd/arca/internal/stack"
	"github.com/arcabackup/arca/pkg/objstore"
	"github.com/arcabackup/arca/pkg/retention/prune"
	"github.com/arcabackup/arca/pkg/wal"
	"github.com/arcabackup/arca/services/coordinator/coordinator"
)

// retentionPlan is `arca prune --dry-run` for the console: the plan with
// its reasons, nothing deleted.
func (a *app) retentionPlan(ctx context.Context, store objstore.Store) ([]coordinator.RetentionDecision, error) {
	keys, err := stack.Keyring(ctx, a.cfg, false)
	if err != nil {
		return nil, err
	}
	p, err := prune.New(store, prune.Config{Layout: stack.Layout(a.cfg), Keys: keys, Policy: policy(a.cfg),
		WAL: walPruner{cfg: wal.Config{Store: store, Layout: stack.Layout(a.cfg), Keys: keys}}})
	if err != nil {
		return nil, err
	}
	rep, err := p.Run(ctx, true)
	if err != nil {
		return nil, err
	}
	out := make([]coordinator.RetentionDecision, 0, len(rep.Plan.Decisions))
	for _, d := range rep.Plan.Decisions {
		out = append(out, coordinator.RetentionDecision{BackupID: d.BackupID, Tenant: d.Tenant, Kind: d.Kind,
			CreatedAt: d.CreatedAt, Action: string(d.Action), Reasons: d.Reasons})
	}
	return out, nil
}

// keyVersions lists the keyring's versions for the console, never their
// material.
func (a *app) keyVersions(ctx context.Context) ([]coordinator.KeyVersion, error) {
	kr, err := stack.Keyring(ctx, a.cfg, false)
	if err != nil {
		return nil, err
	}
	infos := kr.List()
	out := make([]coordinator.KeyVersion, 0, len(infos))
	for _, i := range infos {
		out = append(out, coordinator.KeyVersion{ID: i.ID, Tenant: i.Tenant, Number: i.Number, Created: i.Created,
			Primary: i.Primary, Kind: i.Kind, Destroyed: i.Destroyed})
	}
	return out, nil
}
