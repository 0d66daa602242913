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
}

// task is a job in flight: its chunks in order, then its error.
type task struct {
	job    Job
	chunks chan []byte
	err    error
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
	p = min(p, len(jobs))
	size := opts.ChunkSize
	if size < 1 {
		size = aw.ChunkSize()
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)

	pool := make(chan []byte, p+1)
	for range p + 1 {
		pool <- nil // allocated on first use
	}
	tasks := make([]*task, len(jobs))
	queue := make(chan *task, len(jobs))
	for i, j := range jobs {
		tasks[i] = &task{job: j, chunks: make(chan []byte)}
		queue <- tasks[i]
	}
	close(queue)

	var wg sync.WaitGroup
	for range p {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := work(ctx, connect, opts.Release, snapshotID, tenantID, queue, pool, size); err != nil {
				cancel(err)
			}
		}()
	}
	files, err := write(ctx, tasks, pool, aw)
	if err != nil {
		cancel(err)
	}
	wg.Wait()
	if cause := context.Cause(ctx); err != nil && cause != nil && cause != context.Canceled {
		err = cause
	}
	return files, err
}

// write takes each task's chunks in order and writes them to the archive.
func write(ctx context.Context, tasks []*task, pool chan []byte, aw *archive.Writer) ([]archive.File, error) {
	files := make([]archive.File, 0, len(tasks))
	for _, t := range tasks {
		fw, err := aw.Create(t.job.File, true)
		if err != nil {
			return nil, err
		}
		for done := false; !done; {
			select {
			case b, ok := <-t.chunks:
				if !ok {
					done = true
					break
				}
				err := fw.WriteChunk(b)
				pool <- b
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
		f, err := fw.Close()
		if err != nil {
			return nil, err
		}
		files = append(files, f)
	}
	return files, nil
}

// work runs one session: join the snapshot, bind the tenant, COPY queued
// tables until none are left.
func work(ctx context.Context, connect Connector, release func(*pgx.Conn, bool), snapshotID, tenantID string, queue <-chan *task, pool chan []byte, size int) (err error) {
	conn, err := connect(ctx)
	if err != nil {
		return err
	}
	defer func() {
		switch {
		case conn == nil:
		case release != nil:
			release(conn, err == nil)
		default:
			_ = conn.Close(context.WithoutCancel(ctx))
		}
	}()
	if tenantID == "" {
		return fmt.Errorf("bind tenant: empty id")
	}
	// One round trip for the transaction, its snapshot and the tenant's
	// id; a session that fails is closed, not kept, so no ROLLBACK is
	// sent. A kept session the server has closed meanwhile fails here
	// first: the next one is taken (a few times at most).
	for attempt := 1; ; attempt++ {
		err := snapshot.JoinAndBind(ctx, conn, snapshotID, tenancy.BindSQL, tenancy.Setting, tenantID)
		if err == nil {
			break
		}
		if !conn.IsClosed() || attempt == 4 || ctx.Err() != nil {
			return err
		}
		if release != nil {
			release(conn, false)
		}
		if conn, err = connect(ctx); err != nil {
			conn = nil
			return err
		}
	}
	for t := range queue {
		s := &sink{ctx: ctx, pool: pool, out: t.chunks, chunkSize: size}
		_, err := conn.PgConn().CopyTo(ctx, s, t.job.CopySQL())
		if err == nil {
			err = s.flush()
		} else if s.cur != nil {
			pool <- s.cur
		}
		if err != nil {
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
