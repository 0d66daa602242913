package tenantrestore

import (
	"context"
	"errors"
	"time"

	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/objstore/destinations"
	"github.com/arcabackup/arca/pkg/restore"
	"github.com/arcabackup/arca/pkg/restore/tenantpitr"
	"github.com/arcabackup/arca/pkg/seal"
)

// TryFunc runs fn against each destination in turn until one serves it
// (destinations.Set.Try, or a caller's wrapper that reports each).
type TryFunc func(ctx context.Context, fn func(ctx context.Context, d destinations.Destination) error) error

// Options of Tenant.
type Options struct {
	// Select names the backup; an At without an ID means the tenant as
	// of At (see PITR).
	Select backup.Selector
	// DB is the database restored into: the source for ModeReplace and
	// ModeIntoSchema, another one for ModeTarget.
	DB      string
	Restore restore.Options
	Bucket  restore.BucketOptions
	Layout  backup.Layout
	Keys    seal.KeyLookup
	// Try tries the destinations for the logical restore.
	Try TryFunc
	// PITR, when set, is how a tenant named with a time is restored by
	// point-in-time recovery; nil restores the newest export at or before
	// the time.
	PITR *tenantpitr.Config
	// Fallback, when set, is told why point-in-time recovery does not
	// cover the time, before the logical restore starts.
	Fallback func(reason string)
}

// Result is what Tenant did: PITR when the tenant was restored by
// point-in-time recovery, else Tenant and the Backup it came from.
type Result struct {
	PITR   *tenantpitr.Result
	Tenant restore.Result
	Backup backup.Entry
	// NotCovered says why point-in-time recovery was asked for at At and
	// not used: the newest export at or before At was restored instead.
	NotCovered string
	At         time.Time
}

// Tenant restores one tenant as o says. A selection that names no backup
// is backup.ErrNoSelector, before any destination is read.
func Tenant(ctx context.Context, o Options) (Result, error) {
	var res Result
	s := o.Select
	if s.ID == "" && (s.Tenant == "" || (!s.Latest && s.At.IsZero())) {
		return res, backup.ErrNoSelector
	}
	if o.PITR != nil && s.ID == "" && !s.Latest && !s.At.IsZero() {
		cover, err := tenantpitr.Cover(ctx, o.PITR.PITR, s.At)
		if err != nil {
			return res, err
		}
		if cover.Covered() {
			pr, err := tenantpitr.Restore(ctx, *o.PITR, tenantpitr.Request{Tenant: s.Tenant, At: s.At, DB: o.DB, Options: o.Restore})
			if err != nil {
				return res, err
			}
			res.PITR = &pr
			return res, nil
		}
		res.NotCovered, res.At = cover.Reason, s.At
		if o.Fallback != nil {
			o.Fallback(cover.Reason)
		}
	}
	err := o.Try(ctx, func(ctx context.Context, d destinations.Destination) error {
		repo := backup.Repository{Store: d.Store, Layout: o.Layout, Keys: o.Keys}
		e, err := repo.Select(ctx, s)
		if errors.Is(err, backup.ErrNoSelector) {
			return destinations.Final(err)
		}
		if err != nil {
			return err
		}
		res.Backup = e
		res.Tenant, err = restore.TenantFromBucket(ctx, d.Store, o.DB, e.Manifest, o.Keys, o.Restore, o.Bucket)
		return err
	})
	return res, err
}
