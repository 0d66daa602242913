package receive

import (
	"context"
	"fmt"

	"github.com/arcabackup/arca/pkg/wal"
)

// segment is the one segment being received: its bytes from the segment's
// start up to have, and how many of them are already in the bucket.
type segment struct {
	tl     uint32
	start  uint64 // LSN of its first byte
	size   int64
	buf    []byte // len == size
	have   int64  // bytes received, contiguous from start
	stored int64  // bytes in the bucket (as .stream, or all of them once complete)
}

func newSegment(tl uint32, lsn uint64, size int64) *segment {
	start := lsn - lsn%uint64(size)
	return &segment{tl: tl, start: start, size: size, buf: make([]byte, size)}
}

func (s *segment) name() string {
	return wal.SegmentOf(s.tl, wal.LSN(s.start), s.size)
}

func (s *segment) end() uint64      { return s.start + uint64(s.size) }
func (s *segment) complete() bool   { return s.have == s.size }
func (s *segment) pending() bool    { return s.have > s.stored }
func (s *segment) received() uint64 { return s.start + uint64(s.have) }
func (s *segment) flushed() uint64  { return s.start + uint64(s.stored) }

// add copies the part of data (which begins at LSN at) that falls in this
// segment and returns the rest. Data must continue what was received; a
// repeat of bytes already received is accepted (a re-sent stream).
func (s *segment) add(at uint64, data []byte) ([]byte, error) {
	if at > s.received() {
		return nil, fmt.Errorf("stream jumped from %s to %s: a gap", wal.LSN(s.received()), wal.LSN(at))
	}
	if at < s.start {
		return nil, fmt.Errorf("stream went back to %s, before segment %s", wal.LSN(at), s.name())
	}
	off := int64(at - s.start)
	n := min(int64(len(data)), s.size-off)
	copy(s.buf[off:off+n], data[:n])
	s.have = max(s.have, off+n)
	return data[n:], nil
}

// store puts what was received in the bucket: the whole segment once
// complete (and then deletes its chunks), otherwise a chunk of the bytes
// received since the last store. A new stream starts at the segment's start
// with nothing stored, so its first chunk covers the segment from byte 0:
// chunks are never replaced, and what the bucket holds never shrinks.
func (s *segment) store(ctx context.Context, cfg wal.Config) error {
	if !s.pending() {
		return nil
	}
	if s.complete() {
		if _, err := wal.PutFile(ctx, cfg, s.name(), s.buf); err != nil {
			return err
		}
		s.stored = s.have
		// Best effort: a leftover chunk is never used while the segment
		// exists, and retention removes it with the segment.
		_ = wal.DeleteStream(ctx, cfg, s.name())
		return nil
	}
	if _, err := wal.PutStream(ctx, cfg, s.name(), s.stored, s.buf[s.stored:s.have]); err != nil {
		return err
	}
	s.stored = s.have
	return nil
}
