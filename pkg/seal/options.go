package seal

import (
	"fmt"

	"github.com/klauspost/compress/zstd"
)

// DefaultLevel is the zstd level parts are compressed with: zstd level 3
// (klauspost's SpeedDefault). On 1 GB of CSV (BenchmarkSealCSV) it compresses
// slightly better than gzip -9 at about 14 times its speed; level 1 is faster
// still but leaves no margin on the ratio, level 7 gains 7% ratio at 2.6 times
// the CPU.
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
