package restore

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// refuseHeldRows stops ModeTarget from duplicating a tenant: if a shared
// table of the target already holds any of the tenant's rows (the
// archive's own selection, run in the target), the restore is refused;
// --replace is the way to overwrite a tenant.
func (j *tenantRestore) refuseHeldRows(ctx context.Context) error {
	for _, t := range j.am.Tables {
		if !tenantRole(t.Role) || t.Schema == j.am.Tenant.Schema || t.Selection == "" {
			continue
		}
		ident := pgx.Identifier{t.Schema, t.Name}
		if j.created(ident) {
			continue
		}
		var held bool
		if err := j.tx.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM "+ident.Sanitize()+" AS t WHERE "+t.Selection+")").Scan(&held); err != nil {
			return fmt.Errorf("look for tenant rows in %s: %w", ident.Sanitize(), err)
		}
		if held {
			return fmt.Errorf("the target already holds rows of tenant %s in %s: refusing to duplicate them; restore with %s to overwrite the tenant",
				j.am.Tenant.ID, ident.Sanitize(), ModeReplace)
		}
	}
	return nil
}

func (j *tenantRestore) created(ident pgx.Identifier) bool {
	for _, c := range j.res.Created {
		if c == ident.Sanitize() {
			return true
		}
	}
	return false
}
