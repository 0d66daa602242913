package service

import (
	"context"
	"errors"
	"time"

	"github.com/arcabackup/arca/pkg/objstore"
	"github.com/arcabackup/arca/pkg/objstore/destinations"
	"github.com/arcabackup/arca/pkg/restore/tenantpitr"
	"github.com/arcabackup/arca/pkg/wal/pitr"
)

// coverTenantRestore checks, as `arca restore tenant --at` does, that a base
// backup ended at or before at and that the WAL from it reaches past at, so
// that the API refuses an uncovered moment before the 202. It reads
// through every destination, as the restorer and wal-fetch do: a moment
// the primary lost but a further destination holds is restored from there,
// so it must not be refused here.
func (o bucketOps) coverTenantRestore(ctx context.Context, at time.Time) (string, error) {
	keys, err := o.keys.Keyring(ctx)
	if err != nil {
		return "", err
	}
	c, err := tenantpitr.Cover(ctx, pitr.Config{Store: o.reader(), Layout: o.cfg.Layout, Keys: keys}, at)
	return c.Reason, err
}

// reader is the primary, and with further destinations configured a
// reader that tries each in turn (the primary first) and logs an object
// another than the primary served.
func (o bucketOps) reader() objstore.Store {
	if len(o.cfg.Copies) == 0 {
		return o.store
	}
	set := destinations.Set{{Name: "primary", Store: o.store}}
	for _, c := range o.cfg.Copies {
		set = append(set, destinations.Destination{Name: c.Name, Store: c.Store})
	}
	return destinations.NewReader(set, func(key, d string, skipped []error) {
		if len(skipped) > 0 {
			o.log.Info("read from a further destination", "key", key, "destination", d, "skipped", errors.Join(skipped...).Error())
		}
	})
}
