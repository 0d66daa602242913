package seal

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"sync"

	"github.com/klauspost/compress/zstd"
	"github.com/tink-crypto/tink-go/v2/streamingaead/subtle"

	"github.com/arcabackup/arca/pkg/iocount"
	"github.com/arcabackup/arca/pkg/zframe"
)

const (
	dekSize = 32 // AES-256 input keying material for Tink's HKDF
	hkdfAlg = "SHA256"
)

// Stats reports the sizes of one sealed part.
type Stats struct {
	Plain   int64 // bytes read from the source (the frame itself when Precompressed)
	Payload int64 // bytes encrypted (the zstd frame, or Plain when not compressed)
	Sealed  int64 // bytes written: header, framed ciphertext, end marker
}

// Sealer seals parts. It keeps zstd encoders for reuse and is safe for
// concurrent use; each Seal call runs on the calling goroutine only.
type Sealer struct {
	compress      bool
	precompressed bool // the source is a zstd frame already (Precompressed)
	level         zstd.EncoderLevel
	segmentSize   int
	encoders      sync.Pool
}

// NewSealer returns a Sealer that compresses with DefaultLevel and encrypts in
// DefaultSegmentSize segments unless options say otherwise.
func NewSealer(opts ...Option) (*Sealer, error) {
	s := &Sealer{compress: true, level: DefaultLevel, segmentSize: DefaultSegmentSize}
	for _, o := range opts {
		o(s)
	}
	if err := s.validate(); err != nil {
		return nil, err
	}
	return s, nil
}

// Seal seals one part with a fresh data key. It is a shorthand for
// NewSealer(opts...) followed by Sealer.Seal.
func Seal(ctx context.Context, dst io.Writer, src io.Reader, part Part, kek KEK, opts ...Option) (Stats, error) {
	s, err := NewSealer(opts...)
	if err != nil {
		return Stats{}, err
	}
	return s.Seal(ctx, dst, src, part, kek)
}

// Seal reads the plaintext part from src until EOF and writes the sealed part
// to dst, holding at most a few segments in memory. On error dst holds an
// incomplete part that must be discarded.
func (s *Sealer) Seal(ctx context.Context, dst io.Writer, src io.Reader, part Part, kek KEK) (Stats, error) {
	if err := part.validate(); err != nil {
		return Stats{}, err
	}
	if kek.ID == "" || len(kek.ID) > maxKeyIDLen || kek.AEAD == nil {
		return Stats{}, fmt.Errorf("seal: key-encryption key needs an id of 1 to %d bytes and an AEAD", maxKeyIDLen)
	}
	st, err := s.seal(ctx, dst, src, part, kek)
	if err != nil {
		return st, fmt.Errorf("seal artifact %q part %d: %w", part.Artifact, part.Index, err)
	}
	return st, nil
}

func (s *Sealer) seal(ctx context.Context, dst io.Writer, src io.Reader, part Part, kek KEK) (Stats, error) {
	var st Stats
	dek := make([]byte, dekSize)
	defer clear(dek)
	if _, err := rand.Read(dek); err != nil {
		return st, err
	}
	wrapped, err := kek.AEAD.Encrypt(dek, dekAAD(part.Artifact, part.Index))
	if err != nil {
		return st, fmt.Errorf("wrap data key with key %q: %w", kek.ID, err)
	}
	if len(wrapped) > maxWrappedLen {
		return st, fmt.Errorf("wrapped data key of %d bytes exceeds %d", len(wrapped), maxWrappedLen)
	}
	h := &header{PartInfo: PartInfo{
		Index: part.Index, Last: part.Last, Compressed: s.compress,
		SegmentSize: s.segmentSize, KeyID: kek.ID,
	}, wrapped: wrapped}
	raw := h.marshal()
	if _, err := dst.Write(raw); err != nil {
		return st, err
	}
	st.Sealed = int64(len(raw))

	aead, err := subtle.NewAESGCMHKDF(dek, hkdfAlg, dekSize, s.segmentSize, 0)
	if err != nil {
		return st, err
	}
	cw := &chunkWriter{w: dst}
	ew, err := aead.NewEncryptingWriter(cw, streamAAD(part.Artifact, raw))
	if err != nil {
		return st, err
	}
	payload := &iocount.Writer{W: ew}
	in := &iocount.Reader{R: &ctxReader{ctx: ctx, r: src}}
	if err := s.copyPayload(payload, in); err != nil {
		return st, err
	}
	if err := ew.Close(); err != nil {
		return st, err
	}
	if err := cw.end(); err != nil {
		return st, err
	}
	st.Plain, st.Payload, st.Sealed = in.N, payload.N, st.Sealed+cw.n
	return st, nil
}

// copyPayload writes src to w as one zstd frame, or as it is.
func (s *Sealer) copyPayload(w io.Writer, src io.Reader) error {
	if s.precompressed {
		frame, err := frameSource(src)
		if err != nil {
			return err
		}
		_, err = io.Copy(w, frame)
		return err
	}
	if !s.compress {
		_, err := io.Copy(w, src)
		return err
	}
	enc, err := s.encoder()
	if err != nil {
		return err
	}
	enc.Reset(w)
	if _, err := io.Copy(enc, src); err != nil {
		enc.Reset(nil)
		s.encoders.Put(enc)
		return err
	}
	err = enc.Close()
	enc.Reset(nil)
	s.encoders.Put(enc)
	return err
}

func (s *Sealer) encoder() (*zstd.Encoder, error) {
	if e, ok := s.encoders.Get().(*zstd.Encoder); ok {
		return e, nil
	}
	return zframe.NewEncoder(s.level)
}
