package seal

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/klauspost/compress/zstd"
)

// maxWindow bounds the zstd window a part may ask the decoder for.
const maxWindow = 64 << 20

// Reader yields the plaintext of a sealed artifact: every part decrypted and,
// when compressed, decompressed, in order. It returns io.EOF only after the
// last part authenticated and nothing followed it; any other end is an error.
type Reader struct {
	parts *PartReader
	zr    *zstd.Decoder
	cur   io.Reader // payload of the current part, decompressed
	err   error
	n     int64
}

// NewReader opens the sealed artifact read from src. artifact is the id the
// parts must have been sealed for. Call Close to release the decoder.
func NewReader(src io.Reader, artifact string, keys KeyLookup) *Reader {
	return &Reader{parts: NewPartReader(src, artifact, keys)}
}

// Read implements io.Reader.
func (r *Reader) Read(p []byte) (int, error) {
	for r.err == nil {
		if r.cur == nil {
			info, err := r.parts.Next()
			if err != nil {
				r.err = err
				break
			}
			if r.cur, err = r.payload(info); err != nil {
				r.err = err
				break
			}
		}
		n, err := r.cur.Read(p)
		r.n += int64(n)
		if err == io.EOF {
			r.cur = nil
			err = nil
		}
		if err != nil {
			r.err = r.partErr(err)
		}
		if n > 0 || len(p) == 0 {
			return n, nil
		}
	}
	return 0, r.err
}

// Close releases the decoder; it does not close the source.
func (r *Reader) Close() error {
	if r.zr != nil {
		r.zr.Close()
		r.zr = nil
	}
	return nil
}

// Parts returns how many parts were opened so far.
func (r *Reader) Parts() int { return r.parts.Parts() }

func (r *Reader) payload(info PartInfo) (io.Reader, error) {
	if !info.Compressed {
		return r.parts, nil
	}
	if r.zr == nil {
		zr, err := zstd.NewReader(nil, zstd.WithDecoderConcurrency(1),
			zstd.WithDecoderLowmem(true), zstd.WithDecoderMaxWindow(maxWindow))
		if err != nil {
			return nil, err
		}
		r.zr = zr
	}
	if err := r.zr.Reset(r.parts); err != nil {
		return nil, r.partErr(err)
	}
	return r.zr, nil
}

// partErr prefers the PartReader's own (authentication) error over what the
// decoder made of it.
func (r *Reader) partErr(err error) error {
	if r.parts.err != nil {
		return r.parts.err
	}
	var auth *AuthError
	if errors.As(err, &auth) {
		return err
	}
	return fmt.Errorf("decompress artifact %q part %d: %w", r.parts.artifact, r.parts.next, err)
}

// Open copies the plaintext of the sealed artifact read from src to dst and
// returns the number of bytes written. dst may have received the plaintext of
// authenticated segments before an error; treat it as valid only when the
// error is nil.
func Open(ctx context.Context, dst io.Writer, src io.Reader, artifact string, keys KeyLookup) (int64, error) {
	r := NewReader(&ctxReader{ctx: ctx, r: src}, artifact, keys)
	defer func() { _ = r.Close() }() // read side: a close error loses nothing
	return io.Copy(dst, r)
}
