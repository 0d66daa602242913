package copyout

import (
	"context"
	"fmt"
	"sync"

	"github.com/jackc/pgx/v5"

	"github.com/arcabackup/arca/pkg/archive"
	"github.com/arcabackup/arca/pkg/tenancy"
	"github.com/arcabackup/arca/services/exporter/internal/snapshot"
)

// Job is one table to copy into one archive file.
type Job struct {
	Table tenancy.Table
	File  string
	// ByRowID copies the rows Rows names (tenancy.Table.RowsCopySQL)
	// instead of the table's selection: a reference table whose rows were
	// found for the whole plan in one statement (Plan.BatchReferences).
	ByRowID bool
	Rows    []tenancy.BatchRow
	// Pages is the table's size in blocks when its COPY may be split into
	// ranges of blocks (a plain table, no inheritance children); 0 never
	// splits it.
	Pages int64
}

// CopySQL is the COPY that reads the job's rows.
func (j Job) CopySQL() string {
	if j.ByRowID {
		return j.Table.RowsCopySQL(j.Rows)
	}
	return j.Table.CopySQL()
}

// Connector opens a new session on the source.
type Connector func(ctx context.Context) (*pgx.Conn, error)

// Options tune a Run.
type Options struct {
	Parallelism int // sessions copying at once (default 2)
	ChunkSize   int // bytes per chunk (default the archive's)
	// Release, if set, takes each session back when its copying is done
	// (clean: its transaction committed); without it the session is
	// closed.
	Release func(conn *pgx.Conn, clean bool)
	// SplitPages is the least Job.Pages whose COPY is considered for a
	// split into Parallelism ranges of blocks, one per session (see
	// split.go); 0 never splits. SplitBytes is the least output the plan
	// must estimate for the tenant's rows to split them.
	SplitPages int64
	SplitBytes int64
	// SpoolBytes bounds the output a range other than the first holds
	// while the writer is still on the ranges before it (default 8 MiB);
	// the range's COPY waits beyond it.
	SpoolBytes int
	// OnSplit, if set, is told of each table copied in ranges, and the
	// scan its single COPY's plan has (split.go).
	OnSplit func(file string, ranges int, scan string)
}

// DefaultSpoolBytes is Options.SpoolBytes' default.
const DefaultSpoolBytes = 8 << 20

// task is a job in flight, or one range of a split job: its chunks in
// order, then its error.
type task struct {
	job    Job
	split  *split // the job's ranges, nil when it is never split
	part   int    // which range
	chunks chan []byte
	// spool, for a range after the first, bounds the chunks it holds
	// (allocated for it, not the pool's: they wait for the writer while
	// the ranges before it still need the pool's).
	spool chan struct{}
	err   error
}

// Run copies every job's rows for tenantID under snapshotID into aw, in job
// order, and returns the archive facts of each file.
func Run(ctx context.Context, connect Connector, snapshotID, tenantID string, jobs []Job, aw *archive.Writer, opts Options) ([]archive.File, error) {
	if len(jobs) == 0 {
		return nil, nil
	}
	p := opts.Parallelism
	if p < 1 {
		p = 2
	}
	size := opts.ChunkSize
	if size < 1 {
		size = aw.ChunkSize()
	}
	spoolChunks := max(1, opts.SpoolBytes/size)
	if opts.SpoolBytes <= 0 {
		spoolChunks = max(1, DefaultSpoolBytes/size)
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)

	var tasks []*task
	for _, j := range jobs {
		if p < 2 || opts.SplitPages <= 0 || j.Pages < opts.SplitPages || j.ByRowID {
			tasks = append(tasks, &task{job: j, chunks: make(chan []byte)})
			continue
		}
		s := &split{parts: p, pages: j.Pages, decided: make(chan struct{})}
		for i := range p {
			t := &task{job: j, split: s, part: i, chunks: make(chan []byte)}
			if i > 0 {
				t.chunks = make(chan []byte, spoolChunks)
				t.spool = make(chan struct{}, spoolChunks)
			}
			tasks = append(tasks, t)
		}
	}
	p = min(p, len(tasks))
	pool := make(chan []byte, p+1)
	for range p + 1 {
		pool <- nil // allocated on first use
	}
	queue := make(chan *task, len(tasks))
	for _, t := range tasks {
		queue <- t
	}
	close(queue)

	w := &worker{connect: connect, release: opts.Release, snapshotID: snapshotID, tenantID: tenantID,
		queue: queue, pool: pool, size: size, splitBytes: opts.SplitBytes}
	var wg sync.WaitGroup
	for range p {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := w.run(ctx); err != nil {
				cancel(err)
			}
		}()
	}
	files, err := write(ctx, tasks, pool, aw, opts.OnSplit)
	if err != nil {
		cancel(err)
	}
	wg.Wait()
	if cause := context.Cause(ctx); err != nil && cause != nil && cause != context.Canceled {
		err = cause
	}
	return files, err
}

// write takes each task's chunks in order and writes them to the archive:
// a split job's ranges one after the other into its one file, re-cut into
// the chunks a single COPY's output would have been cut into (the sink
// cuts every chunk but the last at the chunk size, and so does
// FileWriter.Write).
func write(ctx context.Context, tasks []*task, pool chan []byte, aw *archive.Writer, onSplit func(string, int, string)) ([]archive.File, error) {
	files := make([]archive.File, 0, len(tasks))
	for i := 0; i < len(tasks); {
		n := 1
		if s := tasks[i].split; s != nil {
			n = s.parts
		}
		group := tasks[i : i+n]
		i += n
		fw, err := aw.Create(group[0].job.File, true)
		if err != nil {
			return nil, err
		}
		for _, t := range group {
			for done := false; !done; {
				select {
				case b, ok := <-t.chunks:
					if !ok {
						done = true
						break
					}
					if t.split != nil {
						_, err = fw.Write(b)
					} else {
						err = fw.WriteChunk(b)
					}
					if t.spool != nil {
						<-t.spool
					} else {
						pool <- b
					}
					if err != nil {
						return nil, err
					}
				case <-ctx.Done():
					return nil, context.Cause(ctx)
				}
			}
			if t.err != nil {
				return nil, t.err
			}
		}
		// The first range's worker decided before its chunks ended.
		if s := group[0].split; s != nil && s.scan != "" && onSplit != nil {
			onSplit(group[0].job.File, s.parts, s.scan)
		}
		f, err := fw.Close()
		if err != nil {
			return nil, err
		}
		files = append(files, f)
	}
	return files, nil
}

// worker is what every copying session shares.
type worker struct {
	connect    Connector
	release    func(*pgx.Conn, bool)
	snapshotID string
	tenantID   string
	queue      <-chan *task
	pool       chan []byte
	size       int
	splitBytes int64
}

// run runs one session: join the snapshot, bind the tenant, COPY queued
// tables (or ranges of them) until none are left.
func (w *worker) run(ctx context.Context) (err error) {
	conn, err := w.connect(ctx)
	if err != nil {
		return err
	}
	defer func() {
		switch {
		case conn == nil:
		case w.release != nil:
			w.release(conn, err == nil)
		default:
			_ = conn.Close(context.WithoutCancel(ctx))
		}
	}()
	if w.tenantID == "" {
		return fmt.Errorf("bind tenant: empty id")
	}
	// One round trip for the transaction, its snapshot and the tenant's
	// id; a session that fails is closed, not kept, so no ROLLBACK is
	// sent. A kept session the server has closed meanwhile fails here
	// first: the next one is taken (a few times at most).
	for attempt := 1; ; attempt++ {
		err := snapshot.JoinAndBind(ctx, conn, w.snapshotID, tenancy.BindSQL, tenancy.Setting, w.tenantID)
		if err == nil {
			break
		}
		if !conn.IsClosed() || attempt == 4 || ctx.Err() != nil {
			return err
		}
		if w.release != nil {
			w.release(conn, false)
		}
		if conn, err = w.connect(ctx); err != nil {
			conn = nil
			return err
		}
	}
	for t := range w.queue {
		if err := w.copy(ctx, conn, t); err != nil {
			t.err = fmt.Errorf("copy table %s: %w", t.job.Table.Identifier().Sanitize(), err)
		}
		close(t.chunks)
		if t.err != nil {
			return t.err
		}
	}
	if _, err := conn.Exec(ctx, "COMMIT"); err != nil {
		return fmt.Errorf("end copy session: %w", err)
	}
	return nil
}

// copy runs one task's COPY into its chunks. The first range of a split
// job decides whether to split it (and copies the table whole if not); the
// others wait for that decision, and copy nothing if the table is copied
// whole.
func (w *worker) copy(ctx context.Context, conn *pgx.Conn, t *task) error {
	sql := t.job.CopySQL()
	if sp := t.split; sp != nil {
		if t.part == 0 {
			scan, err := sp.decide(ctx, conn, t.job, w.splitBytes)
			sp.scan = scan
			close(sp.decided)
			if err != nil {
				return err
			}
		} else {
			select {
			case <-sp.decided:
			case <-ctx.Done():
				return context.Cause(ctx)
			}
		}
		if sp.scan == "" && t.part > 0 {
			return nil
		}
		if sp.scan != "" {
			// The range is planned as the single COPY was; the settings
			// go with the savepoint after it.
			if _, err := conn.PgConn().Exec(ctx, "SAVEPOINT "+savepoint+"; "+forcing(sp.scan)).ReadAll(); err != nil {
				return err
			}
			sql = sp.rangeCopySQL(t.job, t.part)
			if err := w.copyTo(ctx, conn, t, sql); err != nil {
				return err
			}
			_, err := conn.PgConn().Exec(ctx, "ROLLBACK TO SAVEPOINT "+savepoint+"; RELEASE SAVEPOINT "+savepoint).ReadAll()
			return err
		}
	}
	return w.copyTo(ctx, conn, t, sql)
}

func (w *worker) copyTo(ctx context.Context, conn *pgx.Conn, t *task, sql string) error {
	s := &sink{ctx: ctx, pool: w.pool, spool: t.spool, out: t.chunks, chunkSize: w.size}
	_, err := conn.PgConn().CopyTo(ctx, s, sql)
	if err == nil {
		err = s.flush()
	} else {
		s.drop()
	}
	return err
}
