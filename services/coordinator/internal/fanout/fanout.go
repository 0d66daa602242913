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
	// BatchSize groups a tenant run's jobs into batches of at most that
	// many tenants (ExportRequested.Batch), which an exporter reads
	// together, one scan of each shared table per batch; each job keeps its
	// own outcome. 0 or 1: no batches.
	BatchSize int
	Now       func() time.Time
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
	queued := make([]bool, len(tenants))
	published := make([]bool, len(tenants))
	// First record every job (a tenant whose job of the kind is in flight
	// is skipped), then publish the queued ones, in batches.
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(f.parallel())
	for i, tenant := range tenants {
		ids[i] = messages.BackupID(kind, run.ID, tenant, run.ScheduledAt)
		g.Go(func() error {
			var err error
			queued[i], err = f.record(gctx, run, kind, tenant, ids[i])
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return res, fmt.Errorf("fan out %s: %w", run.ID, err)
	}
	batches := f.batches(run.ID, kind, queued)
	g, gctx = errgroup.WithContext(ctx)
	g.SetLimit(f.parallel())
	for i, tenant := range tenants {
		if !queued[i] {
			continue
		}
		g.Go(func() error {
			if err := f.publish(gctx, run, kind, tenant, ids[i], batches[i]); err != nil {
				return err
			}
			published[i] = true
			return nil
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

// batch is a job's place in a batch of its run; the zero value: none.
type batch struct {
	key  string
	size int
}

// batches cuts the queued jobs of a tenant run, in the run's tenant order,
// into batches of at most BatchSize. The key names the run and the batch's
// first job's position, so a repeated fan-out of the same run cuts the
// same batches.
func (f *Fanout) batches(run string, kind messages.Kind, queued []bool) []batch {
	out := make([]batch, len(queued))
	if kind != messages.KindTenant || f.BatchSize <= 1 {
		return out
	}
	var idx []int
	for i, q := range queued {
		if q {
			idx = append(idx, i)
		}
	}
	for start := 0; start < len(idx); start += f.BatchSize {
		end := min(start+f.BatchSize, len(idx))
		if end-start < 2 {
			break // a batch of one is a job alone
		}
		key := fmt.Sprintf("%s#%d", run, idx[start])
		for _, i := range idx[start:end] {
			out[i] = batch{key: key, size: end - start}
		}
	}
	return out
}

// record records one export job and reports whether to publish it (false:
// the tenant is busy).
func (f *Fanout) record(ctx context.Context, run catalog.Run, kind messages.Kind, tenant, backupID string) (bool, error) {
	return f.Catalog.AddJob(ctx, catalog.Job{
		BackupID: backupID, RunID: run.ID, Tenant: tenant, Kind: string(kind), RequestedAt: f.now(),
	}, f.InFlight)
}

// publish publishes one recorded export job.
func (f *Fanout) publish(ctx context.Context, run catalog.Run, kind messages.Kind, tenant, backupID string, b batch) error {
	m := messages.ExportRequested{
		V: messages.Version, Run: run.ID, Tenant: tenant, Kind: kind, BackupID: backupID, RequestedAt: f.now(),
		Batch: b.key, BatchSize: b.size,
	}
	// The root span of the tenant job's trace: every stage's span hangs
	// off it through the trace context in the NATS headers.
	ctx, span := otel.Tracer("github.com/arcabackup/arca/services/coordinator").Start(ctx, "backup "+string(kind),
		trace.WithSpanKind(trace.SpanKindProducer),
		trace.WithAttributes(attribute.String("arca.tenant", tenant), attribute.String("arca.backup_id", backupID),
			attribute.String("arca.run", run.ID), attribute.String("arca.kind", string(kind))))
	defer span.End()
	if b.key != "" {
		span.SetAttributes(attribute.String("arca.batch", b.key), attribute.Int("arca.batch_size", b.size))
	}
	if err := f.Publisher.Publish(ctx, messages.ExportSubject(tenant), m, messages.ExportMsgID(backupID)); err != nil {
		span.RecordError(err)
		return fmt.Errorf("job of tenant %q: %w", tenant, err)
	}
	return nil
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
