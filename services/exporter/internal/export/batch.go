package export

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/jackc/pgx/v5"

	"github.com/arcabackup/arca/pkg/archive"
	"github.com/arcabackup/arca/pkg/tenancy"
	"github.com/arcabackup/arca/services/exporter/internal/copyout"
	"github.com/arcabackup/arca/services/exporter/internal/pgdump"
	"github.com/arcabackup/arca/services/exporter/internal/snapshot"
	"github.com/arcabackup/arca/services/exporter/internal/source"
)

// MembersPerSlot is how many members of a batch count as one export
// against Config.Limiter: a member holds ~3 MB (its low-memory zstd
// encoder, a 256 KiB chunk, its lane) and its compressed part, an export
// alone several times that (a 6 MiB encoder, Parallelism+1 chunks of 2
// MiB, its parts). 8 (4 when members held ~7 MB) lets two batches of 16
// overlap, one's pg_dump and closure beside the other's COPYs.
const MembersPerSlot = 8

// Member is one tenant of a batch export and where its archive goes.
type Member struct {
	TenantID string
	W        io.Writer
}

// Result is one member's outcome: its manifest, or why its export failed.
type Result struct {
	Manifest archive.Manifest
	Err      error
}

// Batch writes the archive of each member to its own writer, reading the
// source once for the batch where it can: one snapshot, one tenant list,
// one discovery per plan shape, one pg_dump of the shared schemas per
// section, and one COPY per shared table for every tenant whose plan reads
// it the same way (tenancy.Table.BatchSelect), its rows split by tenant
// into each archive. Each archive is the one Tenant would write under that
// snapshot: the same files in the same order, the same manifest, the same
// rows (in scan order). A member that fails (unknown tenant, empty plan,
// its writer failing) fails alone, with its own error; a failure of the
// source fails every member still running.
func Batch(ctx context.Context, cfg Config, members []Member) []Result {
	res := make([]Result, len(members))
	fail := func(err error) []Result {
		for i := range res {
			if res[i].Err == nil {
				res[i].Err = fmt.Errorf("export tenant %s: %w", members[i].TenantID, err)
			}
		}
		return res
	}
	if err := cfg.Validate(); err != nil {
		return fail(err)
	}
	// A batch holds an archive writer, a compressor and parts per member:
	// every MembersPerSlot members weigh one export against the source's
	// limit, so that memory stays bounded whatever the batch size.
	release, err := cfg.Limiter.AcquireN(ctx, (len(members)+MembersPerSlot-1)/MembersPerSlot)
	if err != nil {
		return fail(err)
	}
	defer release()
	conn, err := source.Connect(ctx, cfg.Source)
	if err != nil {
		return fail(err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	tx, snap, err := snapshot.Begin(ctx, conn)
	if err != nil {
		return fail(err)
	}
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()

	b := &batch{ctx: ctx, cfg: cfg, conn: conn, tx: tx, snap: snap}
	if cfg.Cache != nil {
		// The catalog's fingerprint under the snapshot: the shared
		// schemas' DDL and the column-model plan the cache keeps for it
		// serve every batch (and export) of the run, as pg_dump and
		// discovery would write them under this snapshot.
		if b.fp, err = cfg.Cache.catalogFingerprint(ctx, tx, snap.Database, snap.ServerVersion); err != nil {
			return fail(err)
		}
	}
	groups, err := b.plan(members, res)
	if err != nil {
		return fail(err)
	}
	for _, g := range groups {
		for _, m := range g {
			m.start()
		}
	}
	// Every member's lane ends before Batch returns (and the limiter is
	// released): its archive is then whole, or its error known.
	failed := make([]error, len(groups))
	for i, g := range groups {
		failed[i] = b.export(g)
	}
	// The snapshot ends once the source was read: the lanes may still be
	// compressing and closing the archives, which needs no snapshot.
	end := tx.Commit(ctx)
	for i, g := range groups {
		for _, m := range g {
			m.stop()
		}
		for _, m := range g {
			err := m.wait()
			switch {
			case err == nil && failed[i] != nil:
				err = failed[i]
			case err == nil && end != nil:
				err = fmt.Errorf("end snapshot: %w", end)
			}
			if err != nil {
				res[m.index].Err = fmt.Errorf("export tenant %s: %w", m.tenant.ID, err)
			} else {
				res[m.index].Manifest = m.manifest
			}
		}
	}
	return res
}

// batch is one Batch call: the snapshot all members are read under.
type batch struct {
	ctx  context.Context
	cfg  Config
	conn *pgx.Conn
	tx   pgx.Tx
	snap snapshot.Snapshot
	bin  pgdump.Binary // found on first use (pgDump)
	fp   string        // the catalog's fingerprint, with a Config.Cache
	// dumps keeps each section of the shared schemas, dumped once per
	// batch whatever the number of groups (same snapshot, same bytes).
	dumps map[string][]byte
}

// member is one tenant in flight. Its archive is written on its own
// goroutine, its lane: the reading goroutine only splits the rows and hands
// each member its bytes, while the members' lanes hash, tar, compress and
// stage concurrently (the member's writer is the job's compressor and
// staging). The lane runs the member's operations in the order they were
// handed over, so its archive is the one a single goroutine would write.
// aw, fw, files, manifest and err belong to the lane until it has stopped
// (or settled: see batch.settle).
type member struct {
	index    int
	tenant   tenancy.Tenant
	plan     *tenancy.Plan
	aw       *archive.Writer
	fw       *archive.FileWriter // the file being written
	jobs     []copyout.Job
	files    []archive.File
	manifest archive.Manifest
	err      error

	ops  chan func() // the lane's queue: laneDepth operations at most
	done chan struct{}
	pend []byte // rows gathered by the reading goroutine, not yet handed over
}

// laneBuf is the most row bytes the reading goroutine gathers for a member
// before handing them over, and laneDepth how many operations may wait in
// a lane before the reading goroutine waits for it: a member holds at most
// (laneDepth+2) laneBufs of rows besides its archive writer's chunk, 384
// KiB, whatever the tables' size.
const (
	laneBuf   = 64 << 10
	laneDepth = 4
)

// memberChunk bounds a member's archive chunk, which its writer buffers
// whole (a tar header needs the size): at the default 2 MiB, 50 members
// may hold 100 MiB. A reader takes any chunk size.
const memberChunk = 256 << 10

var laneBufs = sync.Pool{New: func() any { b := make([]byte, 0, laneBuf); return &b }}

func newMember(index int, t tenancy.Tenant, p *tenancy.Plan, aw *archive.Writer) *member {
	return &member{index: index, tenant: t, plan: p, aw: aw, ops: make(chan func(), laneDepth), done: make(chan struct{})}
}

// start starts the lane.
func (m *member) start() {
	go func() {
		defer close(m.done)
		for op := range m.ops {
			op()
		}
	}()
}

// stop ends the lane once it has run what it was handed.
func (m *member) stop() { close(m.ops) }

// wait waits for a stopped lane and returns the member's error.
func (m *member) wait() error {
	<-m.done
	return m.err
}

// plan finds each member's tenant and plan and groups the members whose
// plans read the source the same way: the same tables in the same order,
// the same batch selections and shared schemas (tables of a tenant's own
// schema match by name and columns). Members that cannot be planned get
// their error in res.
func (b *batch) plan(members []Member, res []Result) ([][]*member, error) {
	tenants, err := tenancy.ListTenants(b.ctx, b.tx, b.cfg.Tenancy)
	if err != nil {
		return nil, err
	}
	byID := map[string]tenancy.Tenant{}
	for _, t := range tenants {
		byID[t.ID] = t
	}
	// Column-model tenants share one discovery: a plan depends on the
	// tenant's schema, not on its id.
	plans := map[string]*tenancy.Plan{}
	chunk := memberChunk
	if b.cfg.ChunkSize > 0 {
		chunk = min(chunk, b.cfg.ChunkSize)
	}
	var order []string
	groups := map[string][]*member{}
	for i, mb := range members {
		t, ok := byID[mb.TenantID]
		if !ok {
			res[i].Err = fmt.Errorf("export tenant %s: lookup tenant %q: %w", mb.TenantID, mb.TenantID, tenancy.ErrUnknownTenant)
			continue
		}
		p, ok := plans[t.Schema]
		if !ok {
			if p, err = discover(b.ctx, b.cfg, b.tx, b.fp, t); err != nil {
				// A schema tenant's discovery failing is its own.
				if t.Schema != "" {
					res[i].Err = fmt.Errorf("export tenant %s: %w", t.ID, err)
					continue
				}
				return nil, err
			}
			plans[t.Schema] = p
		}
		own := *p
		own.Tenant = t
		key := shapeKey(&own)
		if _, ok := groups[key]; !ok {
			order = append(order, key)
		}
		groups[key] = append(groups[key], newMember(i, t, &own,
			archive.NewWriter(mb.W, archive.WithChunkSize(chunk), archive.WithModTime(b.snap.Time))))
	}
	out := make([][]*member, 0, len(order))
	for _, k := range order {
		out = append(out, groups[k])
	}
	return out, nil
}

// shapeKey is equal for plans that one batch can export.
func shapeKey(p *tenancy.Plan) string {
	var sb strings.Builder
	sb.WriteString(strings.Join(sharedSchemas(p), ","))
	fmt.Fprintf(&sb, "|schema=%t|", p.Tenant.Schema != "")
	sb.WriteString(p.BatchReferences)
	for _, t := range p.Tables {
		sb.WriteString("\x00")
		if t.Role == tenancy.RoleSchemaTable {
			sb.WriteString("schema-table " + t.Name + " " + t.ColumnList())
			continue
		}
		sb.WriteString(t.BatchSelect)
	}
	return sb.String()
}

// export writes the archives of one group: it reads the source and hands
// each member's share to its lane (what needs the session, the COPYs and
// the schema tenants' own pg_dump, stays on this goroutine).
func (b *batch) export(g []*member) error {
	first := g[0].plan
	shared := sharedSchemas(first)
	hasSchema := first.Tenant.Schema != ""
	pre, err := b.dumpShared(shared, "pre-data", nil)
	if err != nil {
		return err
	}
	if err := b.each(g, func(m *member) error { return writeFile(m.aw, archive.SharedSchemaFile, pre) }); err != nil {
		return err
	}
	if hasSchema {
		// pg_dump of each tenant's schema, and its sequences read in the
		// snapshot's session: on this goroutine, each lane settled.
		b.settle(g, func(m *member) error {
			bin, err := b.pgDump()
			if err != nil {
				return err
			}
			_, err = dumpSchema(b.ctx, b.cfg, m.aw, bin, m.tenant.Schema, b.snap.ID, "pre-data", archive.SchemaFile, nil)
			return err
		})
	}
	for _, m := range g {
		m.jobs = make([]copyout.Job, len(m.plan.Tables))
		for i, t := range m.plan.Tables {
			m.jobs[i] = copyout.Job{Table: t, File: archive.DataFileName(i+1, t.Schema, t.Name)}
		}
	}
	if err := b.bind(g); err != nil {
		return err
	}
	refs, err := tenancy.FindReferences(b.ctx, b.tx, first)
	if err != nil {
		return err
	}
	k := 0
	for i, t := range first.Tables {
		var err error
		switch {
		case t.Role == tenancy.RoleSchemaTable:
			err = b.copyEach(g, i)
		case t.Role == tenancy.RoleReference && first.BatchReferences != "":
			// The rows found for this table, read by row id.
			if err = tenancy.BindBatchRows(b.ctx, b.tx, refs[k]); err == nil {
				err = b.copyBatch(g, i, t, t.BatchRowsCopySQL())
			}
			k++
		default:
			err = b.copyBatch(g, i, t, t.BatchCopySQL())
		}
		if err != nil {
			return err
		}
	}
	if err := b.each(g, func(m *member) error { return checkOwnsRows(m.tenant, m.plan, m.files) }); err != nil {
		return err
	}
	seqs := func(w io.Writer) error { return cachedSharedSequenceValues(b.ctx, b.cfg, b.tx, b.fp, shared, w) }
	post, err := b.dumpShared(shared, "post-data", seqs)
	if err != nil {
		return err
	}
	if err := b.each(g, func(m *member) error { return writeFile(m.aw, archive.SharedPostSchemaFile, post) }); err != nil {
		return err
	}
	if hasSchema {
		b.settle(g, func(m *member) error {
			seqs := func(w io.Writer) error { return sequenceValues(b.ctx, b.tx, m.tenant.Schema, w) }
			bin, err := b.pgDump()
			if err != nil {
				return err
			}
			_, err = dumpSchema(b.ctx, b.cfg, m.aw, bin, m.tenant.Schema, b.snap.ID, "post-data", archive.PostSchemaFile, seqs)
			return err
		})
	}
	return b.each(g, func(m *member) error {
		var err error
		m.manifest, err = m.aw.Close(manifest(b.cfg, b.snap, m.tenant, m.jobs, m.files))
		return err
	})
}

// do hands f to the member's lane, which runs it unless the member has
// failed; an error of f fails that member alone. It waits while the lane
// is full, and fails only when the batch's context ends.
func (b *batch) do(m *member, f func() error) error {
	select {
	case m.ops <- func() {
		if m.err == nil {
			m.err = f()
		}
	}:
		return nil
	case <-b.ctx.Done():
		return b.ctx.Err()
	}
}

// each hands f to the lane of every member.
func (b *batch) each(g []*member, f func(*member) error) error {
	for _, m := range g {
		if err := b.do(m, func() error { return f(m) }); err != nil {
			return err
		}
	}
	return nil
}

// settle runs f on this goroutine for each member, once its lane has run
// everything handed to it (the lane waits meanwhile), unless the member has
// failed; an error of f fails that member alone.
func (b *batch) settle(g []*member, f func(*member) error) {
	for _, m := range g {
		idle, resume := make(chan struct{}), make(chan struct{})
		m.ops <- func() {
			close(idle)
			<-resume
		}
		<-idle
		if m.err == nil {
			m.err = f(m)
		}
		close(resume)
	}
}

// feed appends p to the member's pending rows, handing them to the lane
// each time laneBuf of them are gathered.
func (b *batch) feed(m *member, p []byte) error {
	for len(p) > 0 {
		if m.pend == nil {
			m.pend = (*laneBufs.Get().(*[]byte))[:0]
		}
		n := copy(m.pend[len(m.pend):cap(m.pend)], p)
		m.pend = m.pend[:len(m.pend)+n]
		p = p[n:]
		if len(m.pend) == cap(m.pend) {
			if err := b.handOver(m); err != nil {
				return err
			}
		}
	}
	return nil
}

// handOver hands the member's pending rows to its lane, to be written into
// the file being written.
func (b *batch) handOver(m *member) error {
	buf := m.pend
	m.pend = nil
	if buf == nil {
		return nil
	}
	select {
	case m.ops <- func() {
		if m.err == nil {
			_, m.err = m.fw.Write(buf)
		}
		buf = buf[:0]
		laneBufs.Put(&buf)
	}:
		return nil
	case <-b.ctx.Done():
		return b.ctx.Err()
	}
}

// create starts table i's file in the member's archive.
func (b *batch) create(m *member, i int) error {
	return b.do(m, func() error {
		var err error
		m.fw, err = m.aw.Create(m.jobs[i].File, true)
		return err
	})
}

// closeFile hands over the member's last rows of the file and closes it.
func (b *batch) closeFile(m *member) error {
	if err := b.handOver(m); err != nil {
		return err
	}
	return b.do(m, func() error {
		f, err := m.fw.Close()
		m.fw = nil
		m.files = append(m.files, f)
		return err
	})
}

// bind sets the ids of the group's members for the batch selections (the
// positions in BatchColumn are 1-based indexes into g).
func (b *batch) bind(g []*member) error {
	ids := make([]string, len(g))
	for i, m := range g {
		ids[i] = m.tenant.ID
	}
	return tenancy.BindBatch(b.ctx, b.tx, ids)
}

// dumpShared returns one pg_dump section of the shared schemas: the bytes
// dumpShared writes for each tenant, dumped once for the batch (the lanes
// share them: never changed once returned).
func (b *batch) dumpShared(shared []string, section string, extra func(io.Writer) error) ([]byte, error) {
	key := section + "\x00" + strings.Join(shared, "\x00")
	if d, ok := b.dumps[key]; ok {
		return d, nil
	}
	var buf bytes.Buffer
	if b.cfg.Cache != nil && b.fp != "" && len(shared) > 0 {
		// The section as the cache keeps it for this catalog (pg_dump
		// runs for the first batch of a catalog state only).
		ddl, err := cachedSharedDDL(b.ctx, b.cfg, b.pgDump, b.fp, shared, b.snap.ID, section)
		if err != nil {
			return nil, err
		}
		buf.Write(ddl)
		if err := dumpSharedTo(b.ctx, b.cfg, &buf, pgdump.Binary{}, nil, b.snap.ID, section, extra); err != nil {
			return nil, err
		}
	} else {
		bin := pgdump.Binary{}
		if len(shared) > 0 {
			var err error
			if bin, err = b.pgDump(); err != nil {
				return nil, err
			}
		}
		if err := dumpSharedTo(b.ctx, b.cfg, &buf, bin, shared, b.snap.ID, section, extra); err != nil {
			return nil, err
		}
	}
	if b.dumps == nil {
		b.dumps = map[string][]byte{}
	}
	b.dumps[key] = buf.Bytes()
	return buf.Bytes(), nil
}

// pgDump is the pg_dump binary for the source's server, found on first
// use: with a cache, a batch may run none.
func (b *batch) pgDump() (pgdump.Binary, error) {
	if b.bin.Path == "" {
		bin, err := pgdump.Find(b.ctx, b.cfg.PGBinDir, b.snap.ServerMajor)
		if err != nil {
			return pgdump.Binary{}, err
		}
		b.bin = bin
	}
	return b.bin, nil
}

// copyEach copies table i of each member's own plan (a table of its own
// schema) into its archive.
func (b *batch) copyEach(g []*member, i int) error {
	for _, m := range g {
		if err := b.create(m, i); err != nil {
			return err
		}
		t := m.jobs[i]
		if _, err := b.conn.PgConn().CopyTo(b.ctx, memberWriter{b: b, m: m}, t.Table.CopySQL()); err != nil {
			return fmt.Errorf("copy table %s: %w", t.Table.Identifier().Sanitize(), err)
		}
		if err := b.closeFile(m); err != nil {
			return err
		}
	}
	return nil
}

// copyBatch reads shared table i once for the group (sql, a batch COPY)
// and splits its rows into each member's file.
func (b *batch) copyBatch(g []*member, i int, t tenancy.Table, sql string) error {
	for _, m := range g {
		if err := b.create(m, i); err != nil {
			return err
		}
	}
	s := &splitter{b: b, members: g}
	if _, err := b.conn.PgConn().CopyTo(b.ctx, s, sql); err != nil {
		return fmt.Errorf("copy table %s for %d tenants: %w", t.Identifier().Sanitize(), len(g), err)
	}
	if err := s.finish(); err != nil {
		return fmt.Errorf("copy table %s for %d tenants: %w", t.Identifier().Sanitize(), len(g), err)
	}
	for _, m := range g {
		if err := b.closeFile(m); err != nil {
			return err
		}
	}
	return nil
}

// writeFile writes p as one archive file.
func writeFile(aw *archive.Writer, name string, p []byte) error {
	fw, err := aw.Create(name, false)
	if err != nil {
		return err
	}
	if _, err := fw.Write(p); err != nil {
		return err
	}
	_, err = fw.Close()
	return err
}

// memberWriter hands one member's COPY to its lane. A failure of the
// member's writer fails the member (in its lane) and drops the rest of its
// rows; it is not returned to the COPY, since pgconn closes the session on
// a writer's error, and the session is the whole batch's snapshot.
type memberWriter struct {
	b *batch
	m *member
}

func (w memberWriter) Write(p []byte) (int, error) {
	if err := w.b.feed(w.m, p); err != nil {
		return 0, err
	}
	return len(p), nil
}

// errBadBatchRecord means a batch COPY's record did not start with a
// member's position: the SQL and the splitter disagree.
var errBadBatchRecord = errors.New("batch record without a valid tenant position")

// splitter routes a batch COPY's CSV records to the members' files: the
// first field of each record (the header's arca_batch, then each row's
// 1-based member position, never quoted) is dropped, the rest of the record
// is written as it came. A CSV record ends at a newline outside double
// quotes (a doubled quote inside a quoted field toggles twice).
type splitter struct {
	b       *batch
	members []*member
	lead    []byte // the first field so far
	body    bool   // past the first field of the current record
	started bool   // the header has been read
	quoted  bool
	header  bool    // the current record is the header
	to      *member // the current row's member
}

func (s *splitter) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		if !s.body {
			j := bytes.IndexByte(p, ',')
			if j < 0 {
				s.lead = append(s.lead, p...)
				if len(s.lead) > len(tenancy.BatchColumn) {
					return 0, errBadBatchRecord
				}
				return n, nil
			}
			s.lead = append(s.lead, p[:j]...)
			p = p[j+1:]
			if err := s.route(); err != nil {
				return 0, err
			}
			s.body, s.lead = true, s.lead[:0]
		}
		end := s.recordEnd(p)
		if end < 0 {
			if err := s.emit(p); err != nil {
				return 0, err
			}
			return n, nil
		}
		if err := s.emit(p[:end+1]); err != nil {
			return 0, err
		}
		p = p[end+1:]
		s.body, s.header, s.started = false, false, true
	}
	return n, nil
}

// route picks the member of the record whose first field was just read.
func (s *splitter) route() error {
	if !s.started {
		if string(s.lead) != tenancy.BatchColumn {
			return errBadBatchRecord
		}
		s.header = true
		return nil
	}
	i := 0
	for _, c := range s.lead {
		if c < '0' || c > '9' || i > len(s.members) {
			return errBadBatchRecord
		}
		i = i*10 + int(c-'0')
	}
	if i < 1 || i > len(s.members) {
		return errBadBatchRecord
	}
	s.to = s.members[i-1]
	return nil
}

// recordEnd is the index of the newline ending the current record in p, or
// -1; it tracks the quote state across calls. Every double quote toggles
// the state (a doubled quote inside a quoted field toggles twice), so a
// newline ends the record when the quotes before it, since the record's
// start, are even: one search for the newline and one count of the quotes
// per row, not a search per quote (a JSON column holds dozens of them).
func (s *splitter) recordEnd(p []byte) int {
	i := 0
	for {
		k := bytes.IndexByte(p[i:], '\n')
		if k < 0 {
			if bytes.Count(p[i:], quote)%2 == 1 {
				s.quoted = !s.quoted
			}
			return -1
		}
		if bytes.Count(p[i:i+k], quote)%2 == 1 {
			s.quoted = !s.quoted
		}
		if !s.quoted {
			return i + k
		}
		i += k + 1 // a newline inside a quoted field
	}
}

var quote = []byte{'"'}

// emit hands over part of the current record: the header to every
// member, a row to its member (its lane drops it if the member failed). It
// fails only when the batch's context ends.
func (s *splitter) emit(p []byte) error {
	if s.header {
		for _, m := range s.members {
			if err := s.b.feed(m, p); err != nil {
				return err
			}
		}
		return nil
	}
	return s.b.feed(s.to, p)
}

// finish checks that the stream held a header and ended on a record
// boundary.
func (s *splitter) finish() error {
	if !s.started || s.body || len(s.lead) > 0 || s.quoted {
		return errBadBatchRecord
	}
	return nil
}
