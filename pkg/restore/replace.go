package restore

import (
	"context"
	"fmt"
	"slices"

	"github.com/jackc/pgx/v5"

	"github.com/arcabackup/arca/pkg/tenancy"
)

// deleteTenant removes the tenant as the database holds it now: its rows of
// shared tables, found by discovery run here (not the backup's selections:
// tables may have changed since), children first; then its schema. Foreign
// keys are enforced (deferrable ones at commit), so a row of another table
// still pointing at a deleted row fails the restore rather than dangle.
func (j *job) deleteTenant(ctx context.Context) error {
	tenant := tenancy.Tenant{ID: j.am.Tenant.ID}
	if j.work != "" {
		ok, err := schemaExists(ctx, j.tx, j.work)
		if err != nil {
			return err
		}
		if ok {
			tenant.Schema = j.work
		}
	}
	plan, err := tenancy.Discover(ctx, j.tx, j.opts.Tenancy, tenant)
	if err != nil {
		return err
	}
	if _, err := j.tx.Exec(ctx, "SET CONSTRAINTS ALL DEFERRED"); err != nil {
		return fmt.Errorf("defer constraints: %w", err)
	}
	for _, t := range slices.Backward(plan.Tables) {
		sql, ok := t.DeleteSQL()
		if !ok {
			continue
		}
		tag, err := j.tx.Exec(ctx, sql)
		if err != nil {
			return fmt.Errorf("delete tenant rows of %s.%s: %w", t.Schema, t.Name, err)
		}
		j.res.Deleted += tag.RowsAffected()
	}
	if tenant.Schema != "" {
		if _, err := j.tx.Exec(ctx, "DROP SCHEMA "+pgx.Identifier{tenant.Schema}.Sanitize()+" CASCADE"); err != nil {
			return fmt.Errorf("drop schema %q: %w", tenant.Schema, err)
		}
	}
	// Deferred checks of the deletes run at commit, once the rows are back.
	return nil
}
