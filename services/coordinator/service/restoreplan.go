package service

import (
	"context"
	"fmt"

	"github.com/arcabackup/arca/pkg/restore"
)

// planRestore says what a console restore would do (restore.PlanTenant):
// the backup's tables and rows from its manifest and, for a replace, the
// live rows the restore deletes first, counted in a read-only transaction.
func (o bucketOps) planRestore(ctx context.Context, r RestoreJob) (RestorePlan, error) {
	if r.Kind != "tenant" {
		return RestorePlan{}, fmt.Errorf("plan restore %s: only tenant backups restore through the console", r.BackupID)
	}
	_, m, err := o.manifest(ctx, r)
	if err != nil {
		return RestorePlan{}, err
	}
	p, err := restore.PlanTenant(ctx, o.cfg.SourceURL, m, o.cfg.Tenancy, r.Mode == RestoreReplace)
	out := RestorePlan{Schema: p.Schema}
	for _, t := range p.Tables {
		out.Tables = append(out.Tables, PlanTable(t))
	}
	return out, err
}
