package stack

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/arcabackup/arca/cmd/arca/internal/config"
	"github.com/arcabackup/arca/pkg/jobs"
	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/pkg/tenancy"
	coordinator "github.com/arcabackup/arca/services/coordinator/service"
)

// Tenants are the tenants `arca backup tenant ID|all` names: every tenant
// of the source for "all", else the one id, refused (before anything is
// queued) when the tenants query does not list it.
func Tenants(ctx context.Context, cfg config.Config, id string) ([]string, error) {
	all, err := tenancy.TenantIDs(ctx, cfg.Source.URL, Tenancy(cfg))
	if err != nil || id == "all" {
		return all, err
	}
	if !slices.Contains(all, id) {
		return nil, fmt.Errorf("backup tenant %q: %w (the tenants query does not list it)", id, tenancy.ErrUnknownTenant)
	}
	return []string{id}, nil
}

// Queued is one backup a command started, or, when SkippedFor is set, the
// backup in flight it follows instead.
type Queued struct {
	Tenant, BackupID, SkippedFor string
}

// StartBackups starts one backup of kind per tenant ("" for the whole
// database) at now, as the API does: the catalog records each job and
// skips a tenant whose backup of the same kind is in flight (an advisory
// lock per tenant makes two concurrent commands agree). When the catalog
// cannot be reached it publishes the jobs directly, and says so through
// log: a backup in flight is not skipped then.
func StartBackups(ctx context.Context, cfg config.Config, conn *Conn, kind messages.Kind, tenants []string, now time.Time, log *slog.Logger) ([]Queued, error) {
	started, err := startThroughCatalog(ctx, cfg, conn, kind, tenants)
	if err == nil {
		var out []Queued
		for _, j := range started.Jobs {
			if j.State == coordinator.JobSkipped {
				out = append(out, Queued{Tenant: j.Tenant, SkippedFor: j.SkippedFor})
			} else {
				out = append(out, Queued{Tenant: j.Tenant, BackupID: j.BackupID})
			}
		}
		return out, nil
	}
	log.Warn("catalog unreachable: publishing directly; a backup already in flight is not skipped", "err", err)
	run := "cli-" + now.Format("20060102T150405.000Z") // the catalog records trigger cli
	pub := jobs.NewPublisher(conn.JS)
	var out []Queued
	for _, t := range tenants {
		id := messages.BackupID(kind, run, t, now)
		job := messages.ExportRequested{V: messages.Version, Run: run, Tenant: t, Kind: kind, BackupID: id, RequestedAt: now}
		if err := pub.Publish(ctx, messages.ExportSubject(t), job, messages.ExportMsgID(id)); err != nil {
			return out, err
		}
		out = append(out, Queued{Tenant: t, BackupID: id})
	}
	return out, nil
}

func startThroughCatalog(ctx context.Context, cfg config.Config, conn *Conn, kind messages.Kind, tenants []string) (coordinator.Started, error) {
	cat, err := Catalog(ctx, cfg)
	if err != nil {
		return coordinator.Started{}, err
	}
	defer cat.Close()
	c, err := coordinator.New(coordinator.Deps{JS: conn.JS, Catalog: cat}, coordinator.Config{Streams: jobs.StreamOptions{Replicas: cfg.NATS.Replicas}})
	if err != nil {
		return coordinator.Started{}, err
	}
	return c.BackupTenants(ctx, tenants, kind, "cli")
}
