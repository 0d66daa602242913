package catalog

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// LastSuccess returns, for every scope expected to back up, the time of
// its newest successful backup (commit or verification), or, for a scope
// that never succeeded, when its first job was requested. Tenants the last
// fan-out no longer listed are left out.
func (c *Catalog) LastSuccess(ctx context.Context) (map[Scope]time.Time, error) {
	return c.scopeTimes(ctx, `WITH seen AS (
			SELECT tenant, kind, min(requested_at) AS t FROM `+Schema+`.jobs GROUP BY tenant, kind
			UNION ALL SELECT tenant, kind, min(committed_at) FROM `+Schema+`.backups GROUP BY tenant, kind),
		ok AS (SELECT tenant, kind, max(greatest(committed_at, verified_at)) AS t FROM `+Schema+`.backups GROUP BY tenant, kind)
		SELECT s.tenant, s.kind, coalesce(max(ok.t), min(s.t)) FROM seen s LEFT JOIN ok USING (tenant, kind)
		WHERE NOT EXISTS (SELECT 1 FROM `+Schema+`.tenants x WHERE x.id = s.tenant AND s.kind = 'tenant' AND x.removed_at IS NOT NULL)
		GROUP BY s.tenant, s.kind`)
}

// LastDrill is the same for restore drills: every drilled scope with the
// time of its newest successful drill, or of its first drill event.
func (c *Catalog) LastDrill(ctx context.Context) (map[Scope]time.Time, error) {
	return c.scopeTimes(ctx, `SELECT tenant, kind, coalesce(max(at) FILTER (WHERE status = 'succeeded'), min(at))
		FROM `+Schema+`.drills WHERE kind <> '' GROUP BY tenant, kind`)
}

func (c *Catalog) scopeTimes(ctx context.Context, sql string) (map[Scope]time.Time, error) {
	rows, err := c.db.Query(ctx, sql)
	if err != nil {
		return nil, fmt.Errorf("freshness: %w", err)
	}
	out := map[Scope]time.Time{}
	var s Scope
	var t time.Time
	_, err = pgx.ForEachRow(rows, []any{&s.Tenant, &s.Kind, &t}, func() error {
		out[s] = t.UTC()
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("freshness: %w", err)
	}
	return out, nil
}
