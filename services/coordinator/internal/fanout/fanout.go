package fanout

import (
	"context"
	"fmt"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/pkg/tenancy"
	"github.com/arcabackup/arca/services/coordinator/internal/catalog"
)

// Publisher publishes a job under a deterministic message id (jobs.Publisher).
type Publisher interface {
	Publish(ctx context.Context, subject string, m messages.Message, msgID string) error
}

// Fanout publishes the jobs of runs.
type Fanout struct {
	Catalog   *catalog.Catalog
	Publisher Publisher
	Source    tenancy.Querier // lists tenants; nil when runs always name them
	Tenancy   tenancy.Config
	// InFlight is how long a job without progress still counts as in
	// flight, blocking a new job of its tenant and kind.
	InFlight time.Duration
	// Parallel bounds concurrent job publishes (default 16).
	Parallel int
	Now      func() time.Time
}

// Request is one run to fan out.
type Request struct {
	Run catalog.NewRun
	// Tenants names the tenants of a tenant-kind run; nil lists them all
	// from the source. Ignored for whole-database kinds.
	Tenants []string
}

// Result says what a fan-out did.
type Result struct {
	Run       catalog.Run
	BackupIDs map[string]string // tenant → backup id, for every job of the run
	Published int               // jobs published by this call
}

// Run fans out one run. Calling it again for the same run (same FireKey or
// ID) repeats nothing that was done.
func (f *Fanout) Run(ctx context.Context, req Request) (Result, error) {
	run, err := f.Catalog.ClaimRun(ctx, req.Run)
	if err != nil {
		return Result{}, fmt.Errorf("fan out %s: %w", req.Run.ID, err)
	}
	res := Result{Run: run, BackupIDs: map[string]string{}}
	if run.State != catalog.RunFanningOut {
		return res, nil
	}
	tenants, err := f.tenants(ctx, run.Kind, req.Tenants)
	if err != nil {
		return res, fmt.Errorf("fan out %s: %w", run.ID, err)
	}
	kind := messages.Kind(run.Kind)
	ids := make([]string, len(tenants))
	published := make([]bool, len(tenants))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(f.parallel())
	for i, tenant := range tenants {
		ids[i] = messages.BackupID(kind, run.ID, tenant, run.ScheduledAt)
		g.Go(func() error {
			var err error
			published[i], err = f.job(gctx, run, kind, tenant, ids[i])
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return res, fmt.Errorf("fan out %s: %w", run.ID, err)
	}
	for i, tenant := range tenants {
		res.BackupIDs[tenant] = ids[i]
		if published[i] {
			res.Published++
		}
	}
	if err := f.Catalog.FinishFanout(ctx, run.ID, f.now()); err != nil {
		return res, fmt.Errorf("fan out %s: %w", run.ID, err)
	}
	if res.Run, err = f.Catalog.Run(ctx, run.ID); err != nil {
		return res, fmt.Errorf("fan out %s: %w", run.ID, err)
	}
	return res, nil
}

// job records and, unless the tenant is busy, publishes one export job.
func (f *Fanout) job(ctx context.Context, run catalog.Run, kind messages.Kind, tenant, backupID string) (bool, error) {
	now := f.now()
	publish, err := f.Catalog.AddJob(ctx, catalog.Job{
		BackupID: backupID, RunID: run.ID, Tenant: tenant, Kind: string(kind), RequestedAt: now,
	}, f.InFlight)
	if err != nil || !publish {
		return false, err
	}
	m := messages.ExportRequested{
		V: messages.Version, Run: run.ID, Tenant: tenant, Kind: kind, BackupID: backupID, RequestedAt: now,
	}
	// The root span of the tenant job's trace: every stage's span hangs
	// off it through the trace context in the NATS headers.
	ctx, span := otel.Tracer("github.com/arcabackup/arca/services/coordinator").Start(ctx, "backup "+string(kind),
		trace.WithSpanKind(trace.SpanKindProducer),
		trace.WithAttributes(attribute.String("arca.tenant", tenant), attribute.String("arca.backup_id", backupID),
			attribute.String("arca.run", run.ID), attribute.String("arca.kind", string(kind))))
	defer span.End()
	if err := f.Publisher.Publish(ctx, messages.ExportSubject(tenant), m, messages.ExportMsgID(backupID)); err != nil {
		span.RecordError(err)
		return false, fmt.Errorf("job of tenant %q: %w", tenant, err)
	}
	return true, nil
}

func (f *Fanout) parallel() int {
	if f.Parallel > 0 {
		return f.Parallel
	}
	return 16
}

func (f *Fanout) now() time.Time {
	if f.Now != nil {
		return f.Now().UTC()
	}
	return time.Now().UTC()
}
