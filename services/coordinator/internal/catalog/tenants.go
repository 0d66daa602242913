package catalog

import (
	"context"
	"fmt"
	"time"
)

// ListedTenants records the tenant list a fan-out read: listed tenants are
// present (again), every other one is marked removed.
func (c *Catalog) ListedTenants(ctx context.Context, ids []string, now time.Time) error {
	_, err := c.db.Exec(ctx, `WITH listed AS (SELECT unnest($1::text[]) AS id),
		up AS (INSERT INTO `+Schema+`.tenants (id, first_seen, last_listed) SELECT id, $2, $2 FROM listed
			ON CONFLICT (id) DO UPDATE SET last_listed = $2, removed_at = NULL)
		UPDATE `+Schema+`.tenants SET removed_at = $2
		WHERE removed_at IS NULL AND id NOT IN (SELECT id FROM listed)`, ids, now)
	if err != nil {
		return fmt.Errorf("record tenant list: %w", err)
	}
	return nil
}
