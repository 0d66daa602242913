package service

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/services/coordinator/internal/api"
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
// TenantRestoreRequested on jobs.restore. Its progress and outcome arrive
// on EVENTS under the returned message's ID (stages restore and
// restore-step).
func (c *Service) ScheduleTenantRestore(ctx context.Context, r TenantRestore) (messages.TenantRestoreRequested, error) {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	now := time.Now().UTC()
	m := messages.TenantRestoreRequested{V: messages.Version, ID: "pitr-" + now.Format("20060102T150405Z") + "-" + hex.EncodeToString(b),
		Tenant: r.Tenant, At: r.At.UTC(), Mode: r.Mode, Target: r.Target, Schema: r.Schema, RequestedAt: now}
	if err := m.Validate(); err != nil {
		return m, fmt.Errorf("schedule tenant restore: %w: %w", api.ErrInvalid, err)
	}
	if err := c.setup(ctx); err != nil {
		return m, err
	}
	if err := c.pub.Publish(ctx, messages.RestoreSubject(m.Tenant), m, m.ID); err != nil {
		return m, fmt.Errorf("schedule tenant restore %s: %w", m.ID, err)
	}
	return m, nil
}
