package service

import (
	"context"
	"encoding/json"
	"io"
	"sync"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"

	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/services/exporter/internal/export"
)

// batcher gathers the tenant export jobs of one coordinator batch
// (ExportRequested.Batch) and exports them together (export.Batch): one
// scan of each shared table for the batch instead of one per tenant. Each
// job keeps its own handler, artifact, staging parts, events, retries and
// dead letter: the batch only shares the reading. A batch starts when all
// its jobs have come, or the exporter's BatchSize of them (the next ones
// gather into the next batch), or BatchWait after the first, with those
// that came (another replica may hold the rest).
type batcher struct {
	s    *Service
	mu   sync.Mutex
	open map[string]*gathering
}

// gathering is a batch waiting for its jobs.
type gathering struct {
	want    int
	members []*waiting
	timer   *time.Timer
	started bool
}

// waiting is one job's share of a batch.
type waiting struct {
	ctx      context.Context
	tenant   string
	w        io.Writer
	progress func()
	done     chan struct{}
	facts    []byte
	err      error
}

func newBatcher(s *Service) *batcher { return &batcher{s: s, open: map[string]*gathering{}} }

// export exports the job's tenant into w as a member of its batch and
// returns the export facts, as ExportTo does.
func (b *batcher) export(ctx context.Context, m messages.ExportRequested, w io.Writer, progress func()) ([]byte, error) {
	me := &waiting{ctx: ctx, tenant: m.Tenant, w: w, progress: progress, done: make(chan struct{})}
	b.mu.Lock()
	g := b.open[m.Batch]
	if g == nil {
		g = &gathering{want: min(m.BatchSize, b.s.cfg.BatchSize)}
		b.open[m.Batch] = g
		g.timer = time.AfterFunc(b.s.cfg.BatchWait, func() { b.start(m.Batch, g) })
	}
	g.members = append(g.members, me)
	full := len(g.members) >= g.want
	b.mu.Unlock()
	if full {
		b.start(m.Batch, g)
	}
	// The batch always ends each member: its writer fails once ctx ends
	// (the staging part writer follows ctx), and the batch's own context
	// ends when every member's has.
	<-me.done
	return me.facts, me.err
}

// start runs a gathered batch once.
func (b *batcher) start(key string, g *gathering) {
	b.mu.Lock()
	if g.started {
		b.mu.Unlock()
		return
	}
	g.started = true
	g.timer.Stop()
	if b.open[key] == g {
		delete(b.open, key)
	}
	members := g.members
	b.mu.Unlock()
	go b.run(members)
}

// run exports the members together and hands each its own outcome.
func (b *batcher) run(ms []*waiting) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// The batch's reading is one span, linked from every member's trace
	// (each tenant's export span stays in its own trace).
	tp := b.s.cfg.Worker.Tracer
	if tp == nil {
		tp = otel.GetTracerProvider()
	}
	links := make([]trace.Link, len(ms))
	for i, m := range ms {
		links[i] = trace.Link{SpanContext: trace.SpanContextFromContext(m.ctx)}
	}
	ctx, span := tp.Tracer("github.com/arcabackup/arca/services/exporter").Start(ctx, "export batch",
		trace.WithLinks(links...), trace.WithAttributes(attribute.Int("arca.batch_members", len(ms))))
	defer span.End()
	// The batch reads for its members: it stops once none is left.
	var left sync.WaitGroup
	left.Add(len(ms))
	for _, m := range ms {
		stop := context.AfterFunc(m.ctx, left.Done)
		defer func() {
			if stop() {
				left.Done()
			}
		}()
	}
	go func() { left.Wait(); cancel() }()

	// Every byte read for the batch is progress for each member: a member
	// with no rows in a large shared table still waits on that table.
	all := func() {
		for _, m := range ms {
			m.progress()
		}
	}
	members := make([]export.Member, len(ms))
	for i, m := range ms {
		members[i] = export.Member{TenantID: m.tenant, W: progressWriter{m.w, all}}
	}
	res := export.Batch(ctx, b.s.exportConfig(), members)
	for i, m := range ms {
		if res[i].Err == nil {
			m.facts, m.err = json.Marshal(res[i].Manifest)
		} else {
			m.err = res[i].Err
		}
		close(m.done)
	}
}
