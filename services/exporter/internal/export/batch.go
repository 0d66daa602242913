package export

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/arcabackup/arca/pkg/archive"
	"github.com/arcabackup/arca/pkg/tenancy"
	"github.com/arcabackup/arca/services/exporter/internal/copyout"
	"github.com/arcabackup/arca/services/exporter/internal/pgdump"
	"github.com/arcabackup/arca/services/exporter/internal/snapshot"
	"github.com/arcabackup/arca/services/exporter/internal/source"
)

// MembersPerSlot is how many members of a batch count as one export
// against Config.Limiter: a member holds ~7 MB (a 2 MiB zstd window, its
// archive buffer, its compressed part), an export alone several times that.
const MembersPerSlot = 4

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
	groups, err := b.plan(members, res)
	if err != nil {
		return fail(err)
	}
	if len(groups) > 0 {
		if b.bin, err = pgdump.Find(ctx, cfg.PGBinDir, snap.ServerMajor); err != nil {
			return fail(err)
		}
	}
	for _, g := range groups {
		if err := b.export(g); err != nil {
			for _, m := range g {
				if m.err == nil {
					m.err = err
				}
			}
		}
		for _, m := range g {
			if m.err != nil {
				res[m.index].Err = fmt.Errorf("export tenant %s: %w", m.tenant.ID, m.err)
			} else {
				res[m.index].Manifest = m.manifest
			}
		}
	}
	if err := tx.Commit(ctx); err != nil {
		for i := range res {
			if res[i].Err == nil {
				res[i] = Result{Err: fmt.Errorf("export tenant %s: end snapshot: %w", members[i].TenantID, err)}
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
	bin  pgdump.Binary
	// dumps keeps each section of the shared schemas, dumped once per
	// batch whatever the number of groups (same snapshot, same bytes).
	dumps map[string][]byte
}

// member is one tenant in flight.
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
}

func (m *member) alive() bool { return m.err == nil }

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
			if p, err = tenancy.Discover(b.ctx, b.tx, b.cfg.Tenancy, t); err != nil {
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
		groups[key] = append(groups[key], &member{index: i, tenant: t, plan: &own,
			aw: archive.NewWriter(mb.W, archive.WithChunkSize(b.cfg.ChunkSize), archive.WithModTime(b.snap.Time))})
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

// export writes the archives of one group.
func (b *batch) export(g []*member) error {
	first := g[0].plan
	shared := sharedSchemas(first)
	hasSchema := first.Tenant.Schema != ""
	var buf bytes.Buffer
	if err := b.dumpShared(&buf, shared, "pre-data", nil); err != nil {
		return err
	}
	b.each(g, func(m *member) error { return writeFile(m.aw, archive.SharedSchemaFile, buf.Bytes()) })
	if hasSchema {
		b.each(g, func(m *member) error {
			_, err := dumpSchema(b.ctx, b.cfg, m.aw, b.bin, m.tenant.Schema, b.snap.ID, "pre-data", archive.SchemaFile, nil)
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
	b.each(g, func(m *member) error { return checkOwnsRows(m.tenant, m.plan, m.files) })
	buf.Reset()
	seqs := func(w io.Writer) error { return sharedSequenceValues(b.ctx, b.tx, shared, w) }
	if err := b.dumpShared(&buf, shared, "post-data", seqs); err != nil {
		return err
	}
	b.each(g, func(m *member) error { return writeFile(m.aw, archive.SharedPostSchemaFile, buf.Bytes()) })
	if hasSchema {
		b.each(g, func(m *member) error {
			seqs := func(w io.Writer) error { return sequenceValues(b.ctx, b.tx, m.tenant.Schema, w) }
			_, err := dumpSchema(b.ctx, b.cfg, m.aw, b.bin, m.tenant.Schema, b.snap.ID, "post-data", archive.PostSchemaFile, seqs)
			return err
		})
	}
	b.each(g, func(m *member) error {
		var err error
		m.manifest, err = m.aw.Close(manifest(b.cfg, b.snap, m.tenant, m.jobs, m.files))
		return err
	})
	return nil
}

// each runs f for every member still running; an error fails that member
// alone.
func (b *batch) each(g []*member, f func(*member) error) {
	for _, m := range g {
		if m.alive() {
			m.err = f(m)
		}
	}
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

// dumpShared writes one pg_dump section of the shared schemas into buf:
// the bytes dumpShared writes for each tenant, dumped once for the group.
func (b *batch) dumpShared(buf *bytes.Buffer, shared []string, section string, extra func(io.Writer) error) error {
	key := section + "\x00" + strings.Join(shared, "\x00")
	if d, ok := b.dumps[key]; ok {
		buf.Write(d)
		return nil
	}
	if err := dumpSharedTo(b.ctx, b.cfg, buf, b.bin, shared, b.snap.ID, section, extra); err != nil {
		return err
	}
	if b.dumps == nil {
		b.dumps = map[string][]byte{}
	}
	b.dumps[key] = bytes.Clone(buf.Bytes())
	return nil
}

// copyEach copies table i of each member's own plan (a table of its own
// schema) into its archive.
func (b *batch) copyEach(g []*member, i int) error {
	for _, m := range g {
		if !m.alive() {
			continue
		}
		t := m.jobs[i]
		fw, err := m.aw.Create(t.File, true)
		if err != nil {
			m.err = err
			continue
		}
		if _, err := b.conn.PgConn().CopyTo(b.ctx, &memberWriter{m: m, fw: fw}, t.Table.CopySQL()); err != nil {
			return fmt.Errorf("copy table %s: %w", t.Table.Identifier().Sanitize(), err)
		}
		if m.alive() {
			f, err := fw.Close()
			m.err = err
			m.files = append(m.files, f)
		}
	}
	return nil
}

// copyBatch reads shared table i once for the group (sql, a batch COPY)
// and splits its rows into each member's file.
func (b *batch) copyBatch(g []*member, i int, t tenancy.Table, sql string) error {
	for _, m := range g {
		if m.alive() {
			m.fw, m.err = m.aw.Create(m.jobs[i].File, true)
		}
	}
	s := &splitter{members: g}
	if _, err := b.conn.PgConn().CopyTo(b.ctx, s, sql); err != nil {
		return fmt.Errorf("copy table %s for %d tenants: %w", t.Identifier().Sanitize(), len(g), err)
	}
	if err := s.finish(); err != nil {
		return fmt.Errorf("copy table %s for %d tenants: %w", t.Identifier().Sanitize(), len(g), err)
	}
	for _, m := range g {
		if m.alive() {
			f, err := m.fw.Close()
			m.err = err
			m.files = append(m.files, f)
		}
		m.fw = nil
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

// memberWriter writes one member's COPY into its file. A failure of the
// member's writer fails the member and drops the rest of its rows; it is
// not returned to the COPY, since pgconn closes the session on a writer's
// error, and the session is the whole batch's snapshot.
type memberWriter struct {
	m  *member
	fw *archive.FileWriter
}

func (w *memberWriter) Write(p []byte) (int, error) {
	if w.m.alive() {
		if _, err := w.fw.Write(p); err != nil {
			w.m.err = err
		}
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
			s.emit(p)
			return n, nil
		}
		s.emit(p[:end+1])
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
// -1; it tracks the quote state across calls.
func (s *splitter) recordEnd(p []byte) int {
	i := 0
	for i < len(p) {
		if s.quoted {
			k := bytes.IndexByte(p[i:], '"')
			if k < 0 {
				return -1
			}
			s.quoted = false
			i += k + 1
			continue
		}
		k := bytes.IndexAny(p[i:], "\"\n")
		if k < 0 {
			return -1
		}
		if p[i+k] == '\n' {
			return i + k
		}
		s.quoted = true
		i += k + 1
	}
	return -1
}

// emit writes part of the current record: the header to every member, a
// row to its member.
func (s *splitter) emit(p []byte) {
	if s.header {
		for _, m := range s.members {
			s.write(m, p)
		}
		return
	}
	s.write(s.to, p)
}

func (s *splitter) write(m *member, p []byte) {
	if !m.alive() || m.fw == nil {
		return
	}
	if _, err := m.fw.Write(p); err != nil {
		m.err = err
	}
}

// finish checks that the stream held a header and ended on a record
// boundary.
func (s *splitter) finish() error {
	if !s.started || s.body || len(s.lead) > 0 || s.quoted {
		return errBadBatchRecord
	}
	return nil
}
