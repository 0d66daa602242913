package restore

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
)

// checkDangling enforces the replace invariant: the deletes ran in replica
// mode, so no cascade removed or changed a row outside the tenant's
// selection; any such row still pointing at a deleted row must find it
// back among the restored rows. One that does not would have been deleted
// or nulled by the cascade and never come back: the restore is refused,
// naming the foreign key.
func (j *tenantRestore) checkDangling(ctx context.Context) error {
	for key, del := range j.deleted {
		parent := pgx.Identifier{key.schema, key.name}
		ok, err := relationExists(ctx, j.tx, parent)
		if err != nil {
			return err
		}
		if !ok {
			continue
		}
		rows, err := j.tx.Query(ctx, `SELECT c.conname::text, pg_catalog.format('%I.%I', n.nspname, r.relname), `+fkColumnsSQL+`
			FROM pg_catalog.pg_constraint c
			JOIN pg_catalog.pg_class r ON r.oid = c.conrelid
			JOIN pg_catalog.pg_namespace n ON n.oid = r.relnamespace
			WHERE c.contype = 'f' AND c.conparentid = 0 AND c.confrelid = $1::regclass ORDER BY 1`, parent.Sanitize())
		if err != nil {
			return fmt.Errorf("list foreign keys to %s: %w", parent.Sanitize(), err)
		}
		type ref struct {
			Name, Child string
			Cols, Refs  []string
		}
		refs, err := pgx.CollectRows(rows, pgx.RowToStructByPos[ref])
		if err != nil {
			return fmt.Errorf("list foreign keys to %s: %w", parent.Sanitize(), err)
		}
		for _, r := range refs {
			var match, back []string
			for i := range r.Cols {
				c := "c." + pgx.Identifier{r.Cols[i]}.Sanitize()
				match = append(match, "d."+pgx.Identifier{r.Refs[i]}.Sanitize()+" = "+c)
				back = append(back, "p."+pgx.Identifier{r.Refs[i]}.Sanitize()+" = "+c)
			}
			sql := "SELECT count(*) FROM " + r.Child + " AS c WHERE EXISTS (SELECT 1 FROM " + del.Sanitize() + " AS d WHERE " +
				strings.Join(match, " AND ") + ") AND NOT EXISTS (SELECT 1 FROM " + parent.Sanitize() + " AS p WHERE " + strings.Join(back, " AND ") + ")"
			var n int64
			if err := j.tx.QueryRow(ctx, sql).Scan(&n); err != nil {
				return fmt.Errorf("check foreign key %s of %s: %w", r.Name, r.Child, err)
			}
			if n > 0 {
				return fmt.Errorf("replace would leave %d rows of %s pointing at deleted rows of %s that the backup does not hold (foreign key %s): refusing rather than lose or change them",
					n, r.Child, parent.Sanitize(), r.Name)
			}
		}
	}
	return nil
}
