package s3store

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"io"
)

// seekableBody makes r a body the SDK can rewind on retry, and finds its
// SHA-256: an io.ReadSeeker is hashed in place (when sum is nil) and rewound;
// any other reader is read into memory (at most one part).
func seekableBody(r io.Reader, size int64, sum []byte) (io.ReadSeeker, []byte, error) {
	if rs, ok := r.(io.ReadSeeker); ok {
		start, err := rs.Seek(0, io.SeekCurrent)
		if err != nil {
			return nil, nil, err
		}
		if sum == nil {
			h := sha256.New()
			n, err := io.Copy(h, io.LimitReader(rs, size))
			if err != nil {
				return nil, nil, err
			}
			if n != size {
				return nil, nil, fmt.Errorf("read %d bytes, expected %d", n, size)
			}
			sum = h.Sum(nil)
			if _, err := rs.Seek(start, io.SeekStart); err != nil {
				return nil, nil, err
			}
		}
		var ra io.ReaderAt = readerAt{rs, 0}
		if at, ok := rs.(io.ReaderAt); ok {
			ra = at
		}
		return io.NewSectionReader(ra, start, size), sum, nil
	}
	buf := make([]byte, size)
	if _, err := io.ReadFull(r, buf); err != nil {
		return nil, nil, fmt.Errorf("read %d bytes: %w", size, err)
	}
	if sum == nil {
		s := sha256.Sum256(buf)
		sum = s[:]
	}
	return bytes.NewReader(buf), sum, nil
}

// readerAt adapts a ReadSeeker to ReaderAt for a section; the SDK reads a
// body from one goroutine at a time, so seek-then-read is safe.
type readerAt struct {
	rs   io.ReadSeeker
	base int64
}

func (r readerAt) ReadAt(p []byte, off int64) (int, error) {
	if _, err := r.rs.Seek(r.base+off, io.SeekStart); err != nil {
		return 0, err
	}
	return io.ReadFull(r.rs, p)
}

func b64(sum []byte) *string {
	s := base64.StdEncoding.EncodeToString(sum)
	return &s
}
