package service

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/services/coordinator/internal/catalog"
	"github.com/arcabackup/arca/services/coordinator/internal/fanout"
)

// Started is a manual run just fanned out.
type Started struct {
	Run Run
	// Jobs holds one job per tenant: queued, or skipped (SkippedFor names
	// the job in flight) when the tenant was already being backed up.
	Jobs []Job
}

// BackupTenants starts a run now (`arca backup tenant ID|all`, the API):
// one job per named tenant, or per tenant the source lists when tenants
// is nil; kind full or base backs up the whole database. trigger records
// who asked ("cli", "api").
func (c *Service) BackupTenants(ctx context.Context, tenants []string, kind messages.Kind, trigger string) (Started, error) {
	if err := c.setup(ctx); err != nil {
		return Started{}, err
	}
	if !kind.Valid() || kind == messages.KindWAL {
		return Started{}, fmt.Errorf("backup: kind %q cannot be started", kind)
	}
	now := time.Now().UTC()
	run := catalog.NewRun{ID: manualRunID(trigger, now), Kind: string(kind), Trigger: trigger, ScheduledAt: now}
	res, err := c.fanout.Run(ctx, fanout.Request{Run: run, Tenants: tenants})
	if err != nil {
		return Started{}, fmt.Errorf("backup: %w", err)
	}
	jobs, err := c.cat.Jobs(ctx, res.Run.ID)
	if err != nil {
		return Started{}, fmt.Errorf("backup: %w", err)
	}
	return Started{Run: res.Run, Jobs: jobs}, nil
}

// manualRunID names a run nobody scheduled: who, when, and a random suffix
// so two requests in the same second are two runs.
func manualRunID(trigger string, at time.Time) string {
	b := make([]byte, 3)
	_, _ = rand.Read(b)
	if trigger == "" {
		trigger = "manual"
	}
	return trigger + "-" + at.Format("20060102T150405Z") + "-" + hex.EncodeToString(b)
}

// PublishExports publishes the export jobs of a run without a catalog
// (a CLI with NATS access only). The coordinators' event tracker records
// the jobs from their events. It returns tenant → backup id.
func PublishExports(ctx context.Context, pub fanout.Publisher, run string, kind messages.Kind, tenants []string, at time.Time) (map[string]string, error) {
	out := map[string]string{}
	for _, tenant := range tenants {
		id := messages.BackupID(kind, run, tenant, at)
		m := messages.ExportRequested{V: messages.Version, Run: run, Tenant: tenant, Kind: kind, BackupID: id, RequestedAt: at}
		if err := pub.Publish(ctx, messages.ExportSubject(tenant), m, messages.ExportMsgID(id)); err != nil {
			return out, fmt.Errorf("publish exports of run %s: %w", run, err)
		}
		out[tenant] = id
	}
	return out, nil
}
