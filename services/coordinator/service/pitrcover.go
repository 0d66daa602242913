package service

import (
	"context"
	"time"

	"github.com/arcabackup/arca/pkg/restore/tenantpitr"
	"github.com/arcabackup/arca/pkg/wal/pitr"
)

// coverTenantRestore checks, as `arca restore tenant --at` does, that a base
// backup ended at or before at and that the WAL from it reaches past at, so
// that the API refuses an uncovered moment before the 202.
func (o bucketOps) coverTenantRestore(ctx context.Context, at time.Time) (string, error) {
	keys, err := o.keys.Keyring(ctx)
	if err != nil {
		return "", err
	}
	c, err := tenantpitr.Cover(ctx, pitr.Config{Store: o.store, Layout: o.cfg.Layout, Keys: keys}, at)
	return c.Reason, err
}
