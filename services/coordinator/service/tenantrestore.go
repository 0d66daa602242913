package service

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/pkg/tenancy"
	"github.com/arcabackup/arca/services/coordinator/internal/api"
	"github.com/arcabackup/arca/services/coordinator/internal/catalog"
)

// TenantRestore is a tenant point-in-time restore to schedule: the tenant
// as it was at At, with mode "replace", "target" (Target: a database URL
// without a password) or "into-schema" (Schema).
type TenantRestore struct {
	Tenant, Mode, Target, Schema string
	At                           time.Time
}

// ScheduleTenantRestore hands a tenant point-in-time restore to the
// restorers (`arca restorer`, services/exporter/pitrstage) by publishing
// TenantRestoreRequested on jobs.restore, after refusing what would fail
// (api.ErrInvalid: a moment in the future or not covered by base backups
// and WAL; api.ErrUnknownTenant). It is recorded as a restore (mode
// "pitr-<mode>"): the restorer's events on EVENTS, under the returned
// message's ID (stages restore and restore-step), move it.
func (c *Service) ScheduleTenantRestore(ctx context.Context, r TenantRestore) (messages.TenantRestoreRequested, error) {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	now := time.Now().UTC()
	m := messages.TenantRestoreRequested{V: messages.Version, ID: "pitr-" + now.Format("20060102T150405Z") + "-" + hex.EncodeToString(b),
		Tenant: r.Tenant, At: r.At.UTC(), Mode: r.Mode, Target: r.Target, Schema: r.Schema, RequestedAt: now}
	if err := m.Validate(); err != nil {
		return m, fmt.Errorf("schedule tenant restore: %w: %w", api.ErrInvalid, err)
	}
	if m.At.After(now) {
		return m, fmt.Errorf("schedule tenant restore: %w: at %s is in the future", api.ErrInvalid, m.At.Format(time.RFC3339))
	}
	if c.deps.Source != nil {
		if _, err := tenancy.LookupTenant(ctx, c.deps.Source, c.cfg.Tenancy, m.Tenant); errors.Is(err, tenancy.ErrUnknownTenant) {
			return m, fmt.Errorf("schedule tenant restore: tenant %q: %w", m.Tenant, api.ErrUnknownTenant)
		} else if err != nil {
			return m, fmt.Errorf("schedule tenant restore: %w", err)
		}
	}
	if c.ops != nil {
		why, err := c.ops.coverTenantRestore(ctx, m.At)
		if err != nil {
			return m, fmt.Errorf("schedule tenant restore: %w", err)
		}
		if why != "" {
			return m, fmt.Errorf("schedule tenant restore: %w: base backups and WAL do not cover %s: %s", api.ErrInvalid, m.At.Format(time.RFC3339), why)
		}
	}
	if err := c.setup(ctx); err != nil {
		return m, err
	}
	target := m.Target
	if m.Mode == "into-schema" {
		target = m.Schema
	}
	if err := c.cat.AddRestore(ctx, Restore{ID: m.ID, Tenant: m.Tenant, Target: target, Mode: "pitr-" + m.Mode, RequestedAt: now,
		Result: "point-in-time restore to " + m.At.Format(time.RFC3339Nano)}); err != nil {
		return m, fmt.Errorf("schedule tenant restore %s: %w", m.ID, err)
	}
	if err := c.pub.Publish(ctx, messages.RestoreSubject(m.Tenant), m, m.ID); err != nil {
		// Nothing will run it: the row says so rather than stay requested.
		err = fmt.Errorf("schedule tenant restore %s: %w", m.ID, err)
		return m, errors.Join(err, c.cat.SetRestoreState(context.WithoutCancel(ctx), m.ID, catalog.RestoreFailed, err, time.Now()))
	}
	return m, nil
}
