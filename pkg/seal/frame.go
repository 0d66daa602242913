package seal

import (
	"bufio"
	"errors"
	"io"

	"github.com/klauspost/compress/zstd"

	"github.com/arcabackup/arca/pkg/zframe"
)

// zstdMagic starts every zstd frame (RFC 8878 §3.1.1).
const zstdMagic = zframe.Magic

// NewFrameEncoder is zframe.NewEncoder: the frames a writer that compresses
// parts itself (the exporter) makes and seals with Precompressed.
func NewFrameEncoder(level zstd.EncoderLevel) (*zstd.Encoder, error) { return zframe.NewEncoder(level) }

// LevelFromZstd is zframe.Level.
func LevelFromZstd(level int) (zstd.EncoderLevel, error) { return zframe.Level(level) }

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
