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
//
// A coordinator batch larger than BatchSize is cut into even pieces
// (pieces), not into full ones and a remainder: 50 jobs at 16 are read as
// 13, 13, 12 and 12, not 16, 16, 16 and 2. Each piece scans every shared
// table once whatever its size, and the exporter reads two pieces at once:
// a remainder read beside a full piece left a core idle while the full
// piece ran on alone.
type batcher struct {
	s    *Service
	mu   sync.Mutex
	open map[string]*gathering
	cuts map[string]*cutting
}

// cutting is how far a coordinator batch has been cut into pieces on this
// replica.
type cutting struct {
	opened int // pieces opened so far
	since  time.Time
}

// cuttingKept is how long a coordinator batch's cutting is remembered
// after its first piece: only a batch some of whose jobs went to another
// replica is still cutting by then, and its later jobs gather as before
// (BatchSize at most, BatchWait).
const cuttingKept = time.Minute

// pieces is the size of piece j of a coordinator batch of n jobs cut into
// pieces of at most size, as even as they can be; 0 past the last piece.
func pieces(n, size, j int) int {
	if size < 1 || n < 1 {
		return 0
	}
	k := (n + size - 1) / size
	if j >= k {
		return 0
	}
	w := n / k
	if j < n%k {
		w++
	}
	return w
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

func newBatcher(s *Service) *batcher {
	return &batcher{s: s, open: map[string]*gathering{}, cuts: map[string]*cutting{}}
}

// want is how many jobs the next piece of coordinator batch key (of n
// jobs) gathers; b.mu is held.
func (b *batcher) want(key string, n int) int {
	now := time.Now()
	c := b.cuts[key]
	if c == nil {
		for k, old := range b.cuts {
			if now.Sub(old.since) > cuttingKept {
				delete(b.cuts, k)
			}
		}
		c = &cutting{since: now}
		b.cuts[key] = c
	}
	w := pieces(n, b.s.cfg.BatchSize, c.opened)
	c.opened++
	if w == 0 {
		// Past the last piece (jobs redelivered to this batch, or a
		// cutting forgotten): as many as may come.
		return min(n, b.s.cfg.BatchSize)
	}
	if c.opened == (n+b.s.cfg.BatchSize-1)/b.s.cfg.BatchSize {
		delete(b.cuts, key)
	}
	return w
}

// export exports the job's tenant into w as a member of its batch and
// returns the export facts, as ExportTo does.
func (b *batcher) export(ctx context.Context, m messages.ExportRequested, w io.Writer, progress func()) ([]byte, error) {
	me := &waiting{ctx: ctx, tenant: m.Tenant, w: w, progress: progress, done: make(chan struct{})}
	b.mu.Lock()
	g := b.open[m.Batch]
	if g == nil {
		g = &gathering{want: b.want(m.Batch, m.BatchSize)}
		b.open[m.Batch] = g
		g.timer = time.AfterFunc(b.s.cfg.BatchWait, func() { b.start(m.Batch, g) })
	}
	g.members = append(g.members, me)
	full := len(g.members) >= g.want
	if full {
		// Closed to the next job under this lock, not in start: one
		// arriving in between would join a batch already at its size.
		delete(b.open, m.Batch)
	}
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
