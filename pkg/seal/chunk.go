package seal

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// maxChunkLen bounds one chunk; a writer never needs more than one segment.
const maxChunkLen = 2 * MaxSegmentSize

// chunkWriter frames the Tink ciphertext of a part: every Write becomes
// u32 length || bytes, and end writes the u32 zero end marker.
type chunkWriter struct {
	w io.Writer
	n int64
}

func (c *chunkWriter) Write(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	var l [4]byte
	binary.BigEndian.PutUint32(l[:], uint32(len(p)))
	if _, err := c.w.Write(l[:]); err != nil {
		return 0, err
	}
	n, err := c.w.Write(p)
	c.n += int64(4 + n)
	return n, err
}

func (c *chunkWriter) end() error {
	_, err := c.w.Write([]byte{0, 0, 0, 0})
	c.n += 4
	return err
}

// chunkReader removes the framing and returns io.EOF at the end marker. A
// source that ends early yields ErrTruncated, never io.ErrUnexpectedEOF, which
// Tink's reader would take for the end of its last segment. ioErr keeps a
// failure of the source itself apart from damage to the data.
type chunkReader struct {
	r      *bufio.Reader
	left   int
	done   bool
	ioErr  error
	format error
}

func (c *chunkReader) Read(p []byte) (int, error) {
	for c.left == 0 {
		if c.done {
			return 0, io.EOF
		}
		var l [4]byte
		if err := c.fail(readFull(c.r, l[:])); err != nil {
			return 0, err
		}
		n := binary.BigEndian.Uint32(l[:])
		if n == 0 {
			c.done = true
			return 0, io.EOF
		}
		if n > maxChunkLen {
			c.format = fmt.Errorf("%w: chunk length %d", ErrMalformed, n)
			return 0, c.format
		}
		c.left = int(n)
	}
	if len(p) > c.left {
		p = p[:c.left]
	}
	n, err := c.r.Read(p)
	c.left -= n
	if err == io.EOF {
		if c.left > 0 {
			err = ErrTruncated
		} else {
			err = nil
		}
	}
	return n, c.fail(err)
}

func (c *chunkReader) fail(err error) error {
	switch {
	case err == nil:
	case err == io.EOF || errors.Is(err, ErrTruncated):
		c.format = ErrTruncated
		return ErrTruncated
	default:
		c.ioErr = err
	}
	return err
}
