package seal

import (
	"bufio"
	"errors"
	"fmt"
	"io"

	"github.com/klauspost/compress/zstd"
)

// zstdMagic starts every zstd frame (RFC 8878 §3.1.1).
const zstdMagic = "\x28\xb5\x2f\xfd"

// NewFrameEncoder returns a zstd encoder that writes a payload as the format
// wants it (docs/format.md §1.4): one frame per Reset–Close, with a content
// checksum and a 2 MiB window, and a frame even for empty input.
// A writer that compresses parts itself (the exporter) uses it and seals the
// frames with Precompressed.
func NewFrameEncoder(level zstd.EncoderLevel) (*zstd.Encoder, error) {
	return zstd.NewWriter(nil,
		zstd.WithEncoderLevel(level),
		zstd.WithEncoderConcurrency(1),
		zstd.WithZeroFrames(true),
		zstd.WithEncoderCRC(true),
		zstd.WithWindowSize(maxFrameWindow),
	)
}

// maxFrameWindow is the window a writer asks for (readers accept up to
// maxWindow): on CSV, 2 MiB compresses as well as 8 MiB and the encoder
// holds 5 MiB instead of 17 MiB.
const maxFrameWindow = 2 << 20

// LevelFromZstd maps a zstd command-line level (1–22) to the nearest level the
// encoder implements: 1–2 fastest, 3–5 default, 6–9 better, 10+ best.
func LevelFromZstd(level int) (zstd.EncoderLevel, error) {
	if level < 1 || level > 22 {
		return 0, fmt.Errorf("seal: zstd level %d is not between 1 and 22", level)
	}
	return zstd.EncoderLevelFromZstd(level), nil
}

// Precompressed seals a source that is already one zstd frame (written by a
// NewFrameEncoder) as a compressed payload, encrypting it as it is. Sealing
// fails when the source does not start like a zstd frame; the frame itself is
// checked when the part is opened.
func Precompressed() Option { return func(s *Sealer) { s.compress, s.precompressed = true, true } }

// ErrNotFrame says a Precompressed source is not a zstd frame.
var ErrNotFrame = errors.New("precompressed payload is not a zstd frame")

// frameSource checks that src starts with the zstd magic number.
func frameSource(src io.Reader) (io.Reader, error) {
	br := bufio.NewReaderSize(src, 4096)
	head, err := br.Peek(len(zstdMagic))
	if err != nil && err != io.EOF {
		return nil, err
	}
	if string(head) != zstdMagic {
		return nil, ErrNotFrame
	}
	return br, nil
}
