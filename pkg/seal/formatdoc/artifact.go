package formatdoc

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/klauspost/compress/zstd"
)

// Keys are local KEKs by key id: 32-byte AES-256-GCM keys (§2, §6).
type Keys map[string][]byte

// part is what §1.1 says a part header holds.
type part struct {
	flags   byte
	index   uint32
	segSize uint32
	keyID   string
	wrapped []byte
	header  []byte // all its bytes, for the stream AD (§3)
}

// Part is what opening found of one part: its flags (§1.1) and the sizes
// of its sealed form, payload and plaintext.
type Part struct {
	Last, Compressed       bool
	Sealed, Payload, Plain int
}

// OpenArtifact opens a sealed artifact (§4) for the artifact id it was
// sealed for (§4.1) and returns its plaintext.
func OpenArtifact(sealed []byte, artifact string, keys Keys) ([]byte, error) {
	plain, _, err := OpenParts(sealed, artifact, keys)
	return plain, err
}

// OpenParts is OpenArtifact that also describes each part.
func OpenParts(sealed []byte, artifact string, keys Keys) ([]byte, []Part, error) {
	var plain []byte
	var parts []Part
	expect, last := uint32(0), false
	for {
		if len(sealed) == 0 {
			if last {
				return plain, parts, nil
			}
			return nil, nil, fmt.Errorf("truncated, part %d missing", expect)
		}
		if last {
			return nil, nil, errors.New("data after the last part")
		}
		p, rest, err := readHeader(sealed)
		if err != nil {
			return nil, nil, fmt.Errorf("part %d: %w", expect, err)
		}
		if p.index != expect {
			return nil, nil, fmt.Errorf("part %d: header says index %d", expect, p.index)
		}
		payload, rest, err := openPart(p, rest, artifact, keys)
		if err != nil {
			return nil, nil, fmt.Errorf("part %d: %w", expect, err)
		}
		payloadLen := len(payload)
		if p.flags&2 != 0 { // §1.4: one zstd frame
			d, err := zstd.NewReader(nil)
			if err != nil {
				return nil, nil, err
			}
			payload, err = d.DecodeAll(payload, nil)
			d.Close()
			if err != nil {
				return nil, nil, fmt.Errorf("part %d: zstd: %w", expect, err)
			}
		}
		parts = append(parts, Part{Last: p.flags&1 != 0, Compressed: p.flags&2 != 0,
			Sealed: len(sealed) - len(rest), Payload: payloadLen, Plain: len(payload)})
		plain = append(plain, payload...)
		sealed, last, expect = rest, p.flags&1 != 0, expect+1
	}
}

// readHeader parses §1.1.
func readHeader(b []byte) (part, []byte, error) {
	var p part
	if len(b) < 15 || string(b[:4]) != "ARCA" || b[4] != 1 {
		return p, nil, errors.New("not a version 1 part header")
	}
	p.flags = b[5]
	if p.flags&^3 != 0 {
		return p, nil, fmt.Errorf("unknown flags %#x", p.flags)
	}
	p.index = binary.BigEndian.Uint32(b[6:10])
	p.segSize = binary.BigEndian.Uint32(b[10:14])
	if p.segSize < 4096 || p.segSize > 8388608 {
		return p, nil, fmt.Errorf("segment size %d out of range", p.segSize)
	}
	k := int(b[14])
	if k == 0 || len(b) < 17+k {
		return p, nil, errors.New("bad key id length")
	}
	p.keyID = string(b[15 : 15+k])
	w := int(binary.BigEndian.Uint16(b[15+k:]))
	if w == 0 || w > 4096 || len(b) < 17+k+w {
		return p, nil, errors.New("bad wrapped key length")
	}
	p.wrapped = b[17+k : 17+k+w]
	p.header = b[:17+k+w]
	return p, b[17+k+w:], nil
}

// withID is label || u16 len(artifact id) || artifact id (§2, §3).
func withID(label, artifact string) []byte {
	b := []byte(label)
	b = binary.BigEndian.AppendUint16(b, uint16(len(artifact)))
	return append(b, artifact...)
}

// openPart unwraps the DEK (§2), gathers the chunks (§1.2) and decrypts
// the Tink ciphertext segment by segment (§1.3). It returns the payload and
// what follows the end marker.
func openPart(p part, b []byte, artifact string, keys Keys) ([]byte, []byte, error) {
	kek, ok := keys[p.keyID]
	if !ok {
		return nil, nil, fmt.Errorf("unknown key %s", p.keyID)
	}
	if len(p.wrapped) != 60 {
		return nil, nil, fmt.Errorf("wrapped key of %d bytes is not a local KEK's", len(p.wrapped))
	}
	dekAD := binary.BigEndian.AppendUint32(withID("arca/seal/v1/dek", artifact), p.index)
	dek, err := gcm(kek).Open(nil, p.wrapped[:12], p.wrapped[12:], dekAD)
	if err != nil {
		return nil, nil, fmt.Errorf("key %s does not unwrap the data key: %w", p.keyID, err)
	}

	var tink []byte
	for {
		if len(b) < 4 {
			return nil, nil, errors.New("truncated before the end marker")
		}
		n := binary.BigEndian.Uint32(b)
		b = b[4:]
		if n == 0 {
			break
		}
		if n > 16777216 || uint32(len(b)) < n {
			return nil, nil, errors.New("bad chunk length")
		}
		tink, b = append(tink, b[:n]...), b[n:]
	}

	if len(tink) < 40 || tink[0] != 40 {
		return nil, nil, errors.New("bad Tink stream header")
	}
	salt, prefix, ct := tink[1:33], tink[33:40], tink[40:]
	streamAD := append(withID("arca/seal/v1/stream", artifact), p.header...)
	segKey, err := hkdf.Key(sha256.New, dek, salt, string(streamAD), 32)
	if err != nil {
		return nil, nil, err
	}
	aead := gcm(segKey)
	var payload []byte
	for i, size := uint32(0), int(p.segSize)-40; ; i, size = i+1, int(p.segSize) {
		final := len(ct) <= size // the ciphertext ends after this segment
		seg := ct
		if !final {
			seg = ct[:size]
		}
		nonce := binary.BigEndian.AppendUint32(bytes.Clone(prefix), i)
		if final {
			nonce = append(nonce, 1)
		} else {
			nonce = append(nonce, 0)
		}
		plain, err := aead.Open(nil, nonce, seg, nil)
		if err != nil {
			return nil, nil, fmt.Errorf("segment %d: %w", i, err)
		}
		payload = append(payload, plain...)
		if final {
			return payload, b, nil
		}
		ct = ct[size:]
	}
}

func gcm(key []byte) cipher.AEAD {
	block, err := aes.NewCipher(key)
	if err != nil {
		panic(err) // keys are 32 bytes here
	}
	a, err := cipher.NewGCM(block)
	if err != nil {
		panic(err)
	}
	return a
}
