package seal

import (
	"fmt"

	"github.com/klauspost/compress/zstd"
)

// DefaultLevel is the zstd level a Sealer compresses with unless told
// otherwise (base backups, wal-push without the agent): zstd level 3
// (klauspost's SpeedDefault). On 1 GB of CSV (BenchmarkSealCSV) it compresses
// slightly better than gzip -9 at about 14 times its speed; level 1 is 1.4
// times faster at 1% less ratio, level 7 gains 7% ratio at 2.6 times the
// CPU. Tenant exports and full dumps are compressed by the exporter at
// pipeline.compression_level, level 1 by default (DESIGN decision 49), and
// WAL through the agent at level 1.
const DefaultLevel = zstd.SpeedDefault

// Option configures a Sealer.
type Option func(*Sealer)

// WithoutCompression seals the part as it is: for input that is already
// compressed (pg_dump custom format) and for measuring encryption alone.
func WithoutCompression() Option { return func(s *Sealer) { s.compress = false } }

// WithLevel sets the zstd level (default DefaultLevel).
func WithLevel(l zstd.EncoderLevel) Option { return func(s *Sealer) { s.level = l } }

// WithSegmentSize sets the ciphertext segment size, between MinSegmentSize and
// MaxSegmentSize (default DefaultSegmentSize). Small segments serve tests.
func WithSegmentSize(n int) Option { return func(s *Sealer) { s.segmentSize = n } }

func (s *Sealer) validate() error {
	if s.segmentSize < MinSegmentSize || s.segmentSize > MaxSegmentSize {
		return fmt.Errorf("seal: segment size %d outside [%d, %d]", s.segmentSize, MinSegmentSize, MaxSegmentSize)
	}
	return nil
}
