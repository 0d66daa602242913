package seal

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// Format constants; docs/format.md describes every byte.
const (
	Magic         = "ARCA"
	FormatVersion = 1

	flagLast       = 1 << 0
	flagCompressed = 1 << 1
	knownFlags     = flagLast | flagCompressed

	// DefaultSegmentSize is the ciphertext segment size of Tink's
	// AES256_GCM_HKDF_1MB key template.
	DefaultSegmentSize = 1 << 20
	MinSegmentSize     = 4 << 10
	MaxSegmentSize     = 8 << 20

	maxKeyIDLen   = 255
	maxWrappedLen = 4096
	fixedHdrLen   = 4 + 1 + 1 + 4 + 4 + 1 // magic, version, flags, index, segment size, key id length
)

// PartInfo is what a part header says about its part.
type PartInfo struct {
	Index       uint32
	Last        bool
	Compressed  bool // the payload is one zstd frame
	SegmentSize int  // Tink ciphertext segment size
	KeyID       string
}

// header is a parsed part header; raw holds its exact bytes, which the
// associated data of the part's stream covers.
type header struct {
	PartInfo
	wrapped []byte
	raw     []byte
}

func (h *header) marshal() []byte {
	b := make([]byte, 0, fixedHdrLen+len(h.KeyID)+2+len(h.wrapped))
	b = append(b, Magic...)
	b = append(b, FormatVersion)
	var flags byte
	if h.Last {
		flags |= flagLast
	}
	if h.Compressed {
		flags |= flagCompressed
	}
	b = append(b, flags)
	b = binary.BigEndian.AppendUint32(b, h.Index)
	b = binary.BigEndian.AppendUint32(b, uint32(h.SegmentSize))
	b = append(b, byte(len(h.KeyID)))
	b = append(b, h.KeyID...)
	b = binary.BigEndian.AppendUint16(b, uint16(len(h.wrapped)))
	b = append(b, h.wrapped...)
	h.raw = b
	return b
}

// readHeader parses one part header from r. It returns io.EOF when r is at
// end before the first byte, ErrTruncated when it ends inside the header, and
// ErrMalformed (wrapped) when the bytes are not a version 1 header.
func readHeader(r *bufio.Reader) (*header, error) {
	fixed := make([]byte, fixedHdrLen)
	if err := readFull(r, fixed); err != nil {
		return nil, err
	}
	if string(fixed[:4]) != Magic {
		return nil, fmt.Errorf("%w: bad magic", ErrMalformed)
	}
	if fixed[4] != FormatVersion {
		return nil, fmt.Errorf("%w: unsupported version %d", ErrMalformed, fixed[4])
	}
	flags := fixed[5]
	if flags&^knownFlags != 0 {
		return nil, fmt.Errorf("%w: unknown flags %#02x", ErrMalformed, flags)
	}
	h := &header{PartInfo: PartInfo{
		Index:       binary.BigEndian.Uint32(fixed[6:10]),
		Last:        flags&flagLast != 0,
		Compressed:  flags&flagCompressed != 0,
		SegmentSize: int(binary.BigEndian.Uint32(fixed[10:14])),
	}}
	if h.SegmentSize < MinSegmentSize || h.SegmentSize > MaxSegmentSize {
		return nil, fmt.Errorf("%w: segment size %d out of range", ErrMalformed, h.SegmentSize)
	}
	keyLen := int(fixed[14])
	if keyLen == 0 {
		return nil, fmt.Errorf("%w: empty key id", ErrMalformed)
	}
	rest := make([]byte, keyLen+2)
	if err := readFull(r, rest); err != nil {
		return nil, noEOF(err)
	}
	h.KeyID = string(rest[:keyLen])
	wrappedLen := int(binary.BigEndian.Uint16(rest[keyLen:]))
	if wrappedLen == 0 || wrappedLen > maxWrappedLen {
		return nil, fmt.Errorf("%w: wrapped key length %d out of range", ErrMalformed, wrappedLen)
	}
	h.wrapped = make([]byte, wrappedLen)
	if err := readFull(r, h.wrapped); err != nil {
		return nil, noEOF(err)
	}
	h.raw = make([]byte, 0, len(fixed)+len(rest)+wrappedLen)
	h.raw = append(append(append(h.raw, fixed...), rest...), h.wrapped...)
	return h, nil
}

// readFull is io.ReadFull that reports a short read as ErrTruncated and keeps
// io.EOF for a read that found nothing.
func readFull(r io.Reader, b []byte) error {
	_, err := io.ReadFull(r, b)
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return ErrTruncated
	}
	return err
}

func noEOF(err error) error {
	if err == io.EOF {
		return ErrTruncated
	}
	return err
}
