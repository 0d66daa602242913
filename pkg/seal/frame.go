package seal

import (
	"bufio"
	"errors"
	"io"

	"github.com/arcabackup/arca/pkg/zframe"
)

// Precompressed seals a source that is already one zstd frame (written by a
// zframe.NewEncoder) as a compressed payload, encrypting it as it is. Sealing
// fails when the source does not start like a zstd frame; the frame itself is
// checked when the part is opened.
func Precompressed() Option { return func(s *Sealer) { s.compress, s.precompressed = true, true } }

// ErrNotFrame says a Precompressed source is not a zstd frame.
var ErrNotFrame = errors.New("precompressed payload is not a zstd frame")

// frameSource checks that src starts with the zstd magic number.
func frameSource(src io.Reader) (io.Reader, error) {
	br := bufio.NewReaderSize(src, 4096)
	head, err := br.Peek(len(zframe.Magic))
	if err != nil && err != io.EOF {
		return nil, err
	}
	if string(head) != zframe.Magic {
		return nil, ErrNotFrame
	}
	return br, nil
}
