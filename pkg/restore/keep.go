package restore

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
)

// keepShared puts back the rows ModeReplace deleted that the backup does
// not hold and that another tenant also owns (a link made since the backup
// between the tenant's row and another tenant's): one tenant's restore never
// loses another tenant's row. Such a row pointing at a row of the tenant
// that did not come back is caught by checkDangling, which refuses.
func (j *tenantRestore) keepShared(ctx context.Context) error {
	if j.plan == nil {
		return nil
	}
	for _, t := range j.plan.Tables {
		del, ok := j.deleted[tableKey{t.Schema, t.Name}]
		if t.AlsoOwned == "" || !ok {
			continue
		}
		ident := t.Identifier()
		pk, err := primaryKey(ctx, j.tx, ident)
		if err != nil {
			return err
		}
		if len(pk) == 0 {
			continue
		}
		if err := j.setReplica(ctx, true); err != nil {
			return err
		}
		names := make([]string, len(t.Columns))
		for i, c := range t.Columns {
			names[i] = c.Name
		}
		var match []string
		for _, k := range pk {
			match = append(match, "x."+pgx.Identifier{k}.Sanitize()+" = t."+pgx.Identifier{k}.Sanitize())
		}
		tag, err := j.tx.Exec(ctx, "INSERT INTO "+ident.Sanitize()+" ("+keyList(names, "")+") OVERRIDING SYSTEM VALUE SELECT "+
			keyList(names, "t.")+" FROM "+del.Sanitize()+" AS t WHERE ("+t.AlsoOwned+") AND NOT EXISTS (SELECT 1 FROM "+
			ident.Sanitize()+" AS x WHERE "+strings.Join(match, " AND ")+")")
		if err != nil {
			return fmt.Errorf("keep rows of %s another tenant owns: %w", ident.Sanitize(), err)
		}
		if n := tag.RowsAffected(); n > 0 {
			j.res.Kept += n
			j.res.Warnings = append(j.res.Warnings, fmt.Sprintf("%s: kept %d rows made since the backup that another tenant also owns", ident.Sanitize(), n))
		}
	}
	return nil
}
