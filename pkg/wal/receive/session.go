package receive

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pglogrepl"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgproto3"

	"github.com/arcabackup/arca/pkg/wal"
)

var errNoSlot = errors.New("replication slot does not exist (create it, or allow the receiver to)")

// putTimeout bounds the final Put of what was received when the stream or
// the receiver stops.
const putTimeout = 30 * time.Second

// session is one connection: identify, find the slot, stream timeline after
// timeline until something fails or ctx ends.
func (r *Receiver) session(ctx context.Context) error {
	conn, err := r.connect(ctx)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	sys, err := pglogrepl.IdentifySystem(ctx, conn)
	if err != nil {
		return fmt.Errorf("identify system: %w", err)
	}
	size, err := segmentSize(ctx, conn)
	if err != nil {
		return err
	}
	cfg := r.cfg.WAL
	cfg.SegmentSize = size
	restart, restartTL, err := r.slot(ctx, conn)
	if err != nil {
		return err
	}
	tl, start := uint32(sys.Timeline), uint64(sys.XLogPos)
	if restart != 0 {
		start = restart
		if restartTL != 0 {
			tl = restartTL
		}
	}
	r.update(func(s *Status) { s.Connected, s.Sessions, s.SegmentSize = true, s.Sessions+1, size })
	r.cfg.Log.Info("wal-receive: streaming", "slot", r.cfg.Slot, "timeline", tl, "from", wal.LSN(start).String(), "system", sys.SystemID)
	for {
		if err := r.history(ctx, conn, cfg, tl); err != nil {
			return err
		}
		next, switchAt, err := r.stream(ctx, conn, cfg, newSegment(tl, start, size), start)
		if err != nil || next == 0 {
			return err
		}
		r.cfg.Log.Info("wal-receive: timeline switch", "from", tl, "to", next, "at", wal.LSN(switchAt).String())
		tl, start = next, switchAt
	}
}

func (r *Receiver) connect(ctx context.Context) (*pgconn.PgConn, error) {
	pc, err := pgconn.ParseConfig(r.cfg.ConnString)
	if err != nil {
		return nil, fmt.Errorf("parse connection string: %w", err)
	}
	pc.RuntimeParams["replication"] = "true"
	pc.RuntimeParams["application_name"] = r.cfg.AppName
	conn, err := pgconn.ConnectConfig(ctx, pc)
	if err != nil {
		return nil, fmt.Errorf("connect for replication: %w", err)
	}
	return conn, nil
}

// segmentSize asks the server for wal_segment_size ("16MB").
func segmentSize(ctx context.Context, conn *pgconn.PgConn) (int64, error) {
	res, err := conn.Exec(ctx, "SHOW wal_segment_size").ReadAll()
	if err != nil {
		return 0, fmt.Errorf("show wal_segment_size: %w", err)
	}
	if len(res) != 1 || len(res[0].Rows) != 1 || len(res[0].Rows[0]) != 1 {
		return 0, errors.New("show wal_segment_size: unexpected result")
	}
	return parseSize(string(res[0].Rows[0][0]))
}

func parseSize(s string) (int64, error) {
	units := map[string]int64{"B": 1, "kB": 1 << 10, "MB": 1 << 20, "GB": 1 << 30}
	i := strings.IndexFunc(s, func(c rune) bool { return c < '0' || c > '9' })
	if i <= 0 {
		return 0, fmt.Errorf("parse wal_segment_size %q", s)
	}
	n, err := strconv.ParseInt(s[:i], 10, 64)
	u, ok := units[s[i:]]
	if err != nil || !ok {
		return 0, fmt.Errorf("parse wal_segment_size %q", s)
	}
	return n * u, nil
}

// slot returns the slot's restart LSN and timeline, creating the slot when
// allowed. A slot created here reserves WAL at once.
func (r *Receiver) slot(ctx context.Context, conn *pgconn.PgConn) (uint64, uint32, error) {
	read := func() (bool, uint64, uint32, error) {
		res, err := conn.Exec(ctx, "READ_REPLICATION_SLOT "+r.cfg.Slot).ReadAll()
		if err != nil {
			return false, 0, 0, fmt.Errorf("read replication slot %s: %w", r.cfg.Slot, err)
		}
		if len(res) != 1 || len(res[0].Rows) != 1 || len(res[0].Rows[0]) != 3 {
			return false, 0, 0, fmt.Errorf("read replication slot %s: unexpected result", r.cfg.Slot)
		}
		row := res[0].Rows[0]
		if row[0] == nil {
			return false, 0, 0, nil
		}
		if string(row[0]) != "physical" {
			return false, 0, 0, fmt.Errorf("replication slot %s is %s, not physical", r.cfg.Slot, row[0])
		}
		var lsn uint64
		if row[1] != nil {
			l, err := pglogrepl.ParseLSN(string(row[1]))
			if err != nil {
				return false, 0, 0, err
			}
			lsn = uint64(l)
		}
		var tl uint64
		if row[2] != nil {
			tl, _ = strconv.ParseUint(string(row[2]), 10, 32)
		}
		return true, lsn, uint32(tl), nil
	}
	ok, lsn, tl, err := read()
	if err != nil || ok {
		return lsn, tl, err
	}
	if !r.cfg.CreateSlot {
		return 0, 0, fmt.Errorf("%s: %w", r.cfg.Slot, errNoSlot)
	}
	if _, err := conn.Exec(ctx, "CREATE_REPLICATION_SLOT "+r.cfg.Slot+" PHYSICAL RESERVE_WAL").ReadAll(); err != nil {
		return 0, 0, fmt.Errorf("create replication slot %s: %w", r.cfg.Slot, err)
	}
	r.cfg.Log.Info("wal-receive: created replication slot", "slot", r.cfg.Slot)
	ok, lsn, tl, err = read()
	if err == nil && !ok {
		err = fmt.Errorf("replication slot %s vanished after creation", r.cfg.Slot)
	}
	return lsn, tl, err
}

// history archives the timeline history file of tl (none for timeline 1),
// as archive_command would.
func (r *Receiver) history(ctx context.Context, conn *pgconn.PgConn, cfg wal.Config, tl uint32) error {
	if tl <= 1 {
		return nil
	}
	h, err := pglogrepl.TimelineHistory(ctx, conn, int32(tl))
	if err != nil {
		return fmt.Errorf("timeline history %d: %w", tl, err)
	}
	_, err = wal.PutFile(ctx, cfg, h.FileName, h.Content)
	return err
}

// stream runs START_REPLICATION from the start of seg and stores what
// arrives. It returns the next timeline and where it starts when the server
// ends this one. floor is the position already safe (the slot's restart
// LSN): the flush position reported never goes below it.
func (r *Receiver) stream(ctx context.Context, conn *pgconn.PgConn, cfg wal.Config, seg *segment, floor uint64) (uint32, uint64, error) {
	err := pglogrepl.StartReplication(ctx, conn, r.cfg.Slot, pglogrepl.LSN(seg.start),
		pglogrepl.StartReplicationOptions{Timeline: int32(seg.tl), Mode: pglogrepl.PhysicalReplication})
	if err != nil {
		return 0, 0, fmt.Errorf("start replication at %s timeline %d: %w", wal.LSN(seg.start), seg.tl, err)
	}
	st := &streamState{r: r, conn: conn, cfg: cfg, seg: seg, floor: floor, lastPut: time.Now()}
	r.update(func(s *Status) { s.Timeline, s.Segment = seg.tl, seg.name() })
	// A reader goroutine keeps taking messages off the connection while a
	// put is in flight, so the primary's walsender is not held up by the
	// bucket (up to readAhead messages of at most 128 KiB each).
	msgs := make(chan incoming, readAhead)
	rctx, stopReader := context.WithCancel(ctx)
	readerDone := make(chan struct{})
	go func() {
		defer close(readerDone)
		read(rctx, conn, msgs)
	}()
	defer func() {
		stopReader()
		<-readerDone
	}()
	// Whatever ends the stream, what was received is valid WAL: store it.
	defer func() {
		pctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), putTimeout)
		defer cancel()
		if err := st.put(pctx); err != nil {
			r.cfg.Log.Warn("wal-receive: could not store the last WAL received", "segment", st.seg.name(), "err", err)
		}
	}()
	for {
		if err := st.maybeStatus(ctx); err != nil {
			return 0, 0, err
		}
		timer := time.NewTimer(time.Until(st.deadline()))
		var in incoming
		select {
		case <-ctx.Done():
			timer.Stop()
			return 0, 0, ctx.Err()
		case <-timer.C:
			if st.due() {
				if err := st.putAndReport(ctx); err != nil {
					return 0, 0, err
				}
			}
			continue
		case in = <-msgs:
			timer.Stop()
		}
		if in.err != nil {
			return 0, 0, fmt.Errorf("receive: %w", in.err)
		}
		switch m := in.msg.(type) {
		case *pgproto3.CopyData:
			if err := st.copyData(ctx, in.data); err != nil {
				return 0, 0, err
			}
			if r.cfg.Sync && len(msgs) == 0 && st.seg.pending() {
				// The stream paused: a commit may be waiting for this.
				if err := st.putAndReport(ctx); err != nil {
					return 0, 0, err
				}
			}
		case *pgproto3.CopyDone: // end of the timeline; the reader has stopped
			if err := st.putAndReport(ctx); err != nil {
				return 0, 0, err
			}
			res, err := pglogrepl.SendStandbyCopyDone(ctx, conn)
			if err != nil {
				return 0, 0, fmt.Errorf("end of timeline %d: %w", seg.tl, err)
			}
			if res == nil || uint32(res.Timeline) <= seg.tl {
				return 0, 0, fmt.Errorf("end of timeline %d without a next timeline", seg.tl)
			}
			return uint32(res.Timeline), uint64(res.LSN), nil
		case *pgproto3.ErrorResponse:
			return 0, 0, pgconn.ErrorResponseToPgError(m)
		}
	}
}

// readAhead is how many messages the reader may hold while a put runs.
const readAhead = 256

// incoming is one message off the replication connection.
type incoming struct {
	msg  pgproto3.BackendMessage
	data []byte // a copy of CopyData's bytes (the connection reuses its buffer)
	err  error
}

// read forwards messages until an error, the end of the copy or ctx ends;
// after CopyDone it stops reading, so the caller may read the rest.
func read(ctx context.Context, conn *pgconn.PgConn, out chan<- incoming) {
	for {
		msg, err := conn.ReceiveMessage(ctx)
		in := incoming{msg: msg, err: err}
		if m, ok := msg.(*pgproto3.CopyData); ok {
			in.data = bytes.Clone(m.Data)
		}
		select {
		case out <- in:
		case <-ctx.Done():
			return
		}
		switch msg.(type) {
		case *pgproto3.CopyData, *pgproto3.NoticeResponse, *pgproto3.ParameterStatus:
			if err == nil {
				continue
			}
		}
		return
	}
}

// streamState is one START_REPLICATION's progress.
type streamState struct {
	r         *Receiver
	conn      *pgconn.PgConn
	cfg       wal.Config
	seg       *segment
	floor     uint64
	lastPut   time.Time
	nextReply time.Time
}

// deadline is when ReceiveMessage must return: the next status update, or
// the moment the WAL received must be put.
func (s *streamState) deadline() time.Time {
	d := s.nextReply
	if s.seg.pending() {
		due := s.lastPut.Add(s.r.cfg.Interval)
		if s.r.cfg.Sync {
			due = time.Now() // a commit waits for it
		}
		if due.Before(d) {
			d = due
		}
	}
	return d
}

func (s *streamState) due() bool {
	return s.seg.pending() && (s.r.cfg.Sync || !time.Now().Before(s.lastPut.Add(s.r.cfg.Interval)))
}

func (s *streamState) copyData(ctx context.Context, data []byte) error {
	if len(data) == 0 {
		return nil
	}
	switch data[0] {
	case pglogrepl.PrimaryKeepaliveMessageByteID:
		pkm, err := pglogrepl.ParsePrimaryKeepaliveMessage(data[1:])
		if err != nil {
			return err
		}
		if pkm.ReplyRequested {
			s.nextReply = time.Time{}
		}
	case pglogrepl.XLogDataByteID:
		xld, err := pglogrepl.ParseXLogData(data[1:])
		if err != nil {
			return err
		}
		at, rest := uint64(xld.WALStart), xld.WALData
		for len(rest) > 0 {
			left, err := s.seg.add(at, rest)
			if err != nil {
				return err
			}
			at += uint64(len(rest) - len(left))
			rest = left
			if s.seg.complete() {
				if err := s.putAndReport(ctx); err != nil {
					return err
				}
				s.seg = newSegment(s.seg.tl, s.seg.end(), s.seg.size)
				s.r.update(func(st *Status) { st.Segment = s.seg.name() })
			}
		}
		s.r.update(func(st *Status) { st.Received = wal.LSN(s.seg.received()) })
	}
	return nil
}

// put stores what is pending.
func (s *streamState) put(ctx context.Context) error {
	if !s.seg.pending() {
		return nil
	}
	began := time.Now() // the next put is due Interval after this one began
	if err := s.seg.store(ctx, s.cfg); err != nil {
		return err
	}
	s.lastPut = began
	flushed := wal.LSN(max(s.seg.flushed(), s.floor))
	s.r.update(func(st *Status) { st.Flushed, st.Puts, st.LastPut = flushed, st.Puts+1, s.lastPut })
	return nil
}

// putAndReport stores what is pending and tells the primary at once.
func (s *streamState) putAndReport(ctx context.Context) error {
	if err := s.put(ctx); err != nil {
		return err
	}
	s.nextReply = time.Time{}
	return s.maybeStatus(ctx)
}

// maybeStatus sends a standby status update when one is due: flush (and
// apply) is the end of what is in the bucket, write what was received.
func (s *streamState) maybeStatus(ctx context.Context) error {
	if time.Now().Before(s.nextReply) {
		return nil
	}
	flushed := pglogrepl.LSN(max(s.seg.flushed(), s.floor))
	written := pglogrepl.LSN(max(s.seg.received(), s.floor))
	err := pglogrepl.SendStandbyStatusUpdate(ctx, s.conn, pglogrepl.StandbyStatusUpdate{
		WALWritePosition: written, WALFlushPosition: flushed, WALApplyPosition: flushed})
	if err != nil {
		return fmt.Errorf("standby status update: %w", err)
	}
	s.nextReply = time.Now().Add(s.r.cfg.StatusInterval)
	return nil
}
