package seal

import (
	"bufio"
	"errors"
	"fmt"
	"io"

	"github.com/tink-crypto/tink-go/v2/streamingaead/subtle"
)

// PartReader walks the sealed parts of one artifact, like tar.Reader walks
// files: Next authenticates the header of the next part, Read yields that
// part's payload (the zstd frame when PartInfo.Compressed) one authenticated
// segment at a time. Every failure concerning a part is an *AuthError; an
// error of the source itself is returned wrapped, not as an *AuthError.
type PartReader struct {
	src      *bufio.Reader
	artifact string
	keys     KeyLookup

	next  uint32 // position of the part Next reads
	cur   *openPart
	last  bool  // the current part is marked last
	err   error // sticky
	parts int
}

type openPart struct {
	info   PartInfo
	chunks *chunkReader
	plain  io.Reader // Tink's decrypting reader
	done   bool
}

// NewPartReader reads the sealed artifact from src. artifact is the id the
// parts must have been sealed for; keys resolves the key ids in their headers.
func NewPartReader(src io.Reader, artifact string, keys KeyLookup) *PartReader {
	return &PartReader{src: bufio.NewReaderSize(src, 64<<10), artifact: artifact, keys: keys}
}

// Next finishes (and authenticates) the current part and opens the next one.
// It returns io.EOF once the part marked last has been read in full and the
// source has ended.
func (r *PartReader) Next() (PartInfo, error) {
	if r.err != nil {
		return PartInfo{}, r.err
	}
	if r.cur != nil {
		if _, err := io.Copy(io.Discard, r); err != nil {
			return PartInfo{}, err
		}
		r.cur = nil
		if r.last {
			return PartInfo{}, r.fail(r.atEnd())
		}
	}
	p, err := r.open()
	if err != nil {
		return PartInfo{}, r.fail(err)
	}
	r.cur, r.last = p, p.info.Last
	r.parts++
	return p.info, nil
}

// Read reads the payload of the current part; io.EOF ends the part after its
// last segment verified.
func (r *PartReader) Read(b []byte) (int, error) {
	if r.err != nil {
		return 0, r.err
	}
	if r.cur == nil {
		return 0, errors.New("seal: Read before Next")
	}
	if r.cur.done {
		return 0, io.EOF
	}
	n, err := r.cur.plain.Read(b)
	if err == io.EOF {
		r.cur.done = true
		r.next++
		return n, io.EOF
	}
	if err != nil {
		return n, r.fail(r.classify(r.cur.info.KeyID, r.cur.chunks, err))
	}
	return n, nil
}

// Parts returns how many parts were opened so far.
func (r *PartReader) Parts() int { return r.parts }

func (r *PartReader) open() (*openPart, error) {
	h, err := readHeader(r.src)
	switch {
	case err == io.EOF:
		return nil, r.authErr("", ErrTruncated) // the last part is missing
	case errors.Is(err, ErrMalformed) || errors.Is(err, ErrTruncated):
		return nil, r.authErr("", err)
	case err != nil:
		return nil, fmt.Errorf("read artifact %q part %d: %w", r.artifact, r.next, err)
	}
	if h.Index != r.next {
		return nil, r.authErr(h.KeyID, fmt.Errorf("%w: header says part %d", ErrOutOfOrder, h.Index))
	}
	kek, err := r.keys.Key(h.KeyID)
	if err != nil {
		var unknown *UnknownKeyError
		if errors.As(err, &unknown) {
			return nil, r.authErr(h.KeyID, unknown)
		}
		return nil, fmt.Errorf("open artifact %q part %d: look up key %q: %w", r.artifact, r.next, h.KeyID, err)
	}
	dek, err := kek.AEAD.Decrypt(h.wrapped, dekAAD(r.artifact, h.Index))
	var ks *KeySourceError
	if errors.As(err, &ks) {
		return nil, fmt.Errorf("open artifact %q part %d: unwrap its data key under %q: %w", r.artifact, r.next, h.KeyID, ks)
	}
	if err != nil {
		return nil, r.authErr(h.KeyID, fmt.Errorf("%w: data key does not unwrap (wrong key, or another artifact's part)", ErrTampered))
	}
	defer clear(dek)
	aead, err := subtle.NewAESGCMHKDF(dek, hkdfAlg, dekSize, h.SegmentSize, 0)
	if err != nil {
		return nil, r.authErr(h.KeyID, fmt.Errorf("%w: %v", ErrMalformed, err))
	}
	chunks := &chunkReader{r: r.src}
	plain, err := aead.NewDecryptingReader(chunks, streamAAD(r.artifact, h.raw))
	if err != nil {
		return nil, r.classify(h.KeyID, chunks, err)
	}
	return &openPart{info: h.PartInfo, chunks: chunks, plain: plain}, nil
}

// classify turns an error from Tink's reader into an *AuthError, unless the
// source itself failed.
func (r *PartReader) classify(keyID string, c *chunkReader, err error) error {
	switch {
	case c.ioErr != nil:
		return fmt.Errorf("read artifact %q part %d: %w", r.artifact, r.next, c.ioErr)
	case c.format != nil:
		return r.authErr(keyID, c.format)
	default:
		return r.authErr(keyID, ErrTampered)
	}
}

// atEnd checks that nothing follows the last part.
func (r *PartReader) atEnd() error {
	_, err := r.src.ReadByte()
	switch {
	case err == io.EOF:
		return io.EOF
	case err != nil:
		return fmt.Errorf("read artifact %q: %w", r.artifact, err)
	default:
		return r.authErr("", ErrTrailingData)
	}
}

func (r *PartReader) authErr(keyID string, err error) error {
	return &AuthError{Artifact: r.artifact, Part: r.next, KeyID: keyID, Err: err}
}

func (r *PartReader) fail(err error) error {
	r.err = err
	return err
}
