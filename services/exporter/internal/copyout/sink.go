package copyout

import (
	"context"
	"fmt"
)

// sink receives one table's COPY output and cuts it into pooled chunks.
type sink struct {
	ctx       context.Context
	pool      chan []byte
	out       chan<- []byte
	chunkSize int
	cur       []byte
}

func (s *sink) Write(p []byte) (int, error) {
	n := 0
	for len(p) > 0 {
		if s.cur == nil {
			select {
			case b := <-s.pool:
				if b == nil {
					// Start small and grow to the chunk size: most
					// tenants' tables are far smaller than a chunk, and
					// zeroing chunk-sized buffers per export dominated the
					// cost of small exports.
					b = make([]byte, 0, min(s.chunkSize, 64<<10))
				}
				s.cur = b[:0]
			case <-s.ctx.Done():
				return n, fmt.Errorf("copy out: %w", s.ctx.Err())
			}
		}
		c := copy(s.cur[len(s.cur):cap(s.cur)], p)
		s.cur = s.cur[:len(s.cur)+c]
		p, n = p[c:], n+c
		if len(s.cur) == cap(s.cur) {
			if cap(s.cur) < s.chunkSize {
				// Grown to exactly the chunk size at most: append
				// rounds capacities up, and the chunks were ~15 %
				// larger than the size that bounds them (and than the
				// archive writer's own chunks).
				grown := make([]byte, len(s.cur), min(2*cap(s.cur), s.chunkSize))
				copy(grown, s.cur)
				s.cur = grown
				continue
			}
			if err := s.flush(); err != nil {
				return n, err
			}
		}
	}
	return n, nil
}

// flush hands the current chunk, if any, to the writer.
func (s *sink) flush() error {
	if s.cur == nil {
		return nil
	}
	select {
	case s.out <- s.cur:
		s.cur = nil
		return nil
	case <-s.ctx.Done():
		return fmt.Errorf("copy out: %w", s.ctx.Err())
	}
}
