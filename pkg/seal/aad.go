package seal

import "encoding/binary"

// Domain-separation labels of the two associated-data strings.
const (
	dekLabel    = "arca/seal/v1/dek"
	streamLabel = "arca/seal/v1/stream"
)

// dekAAD is the associated data of the data-key wrapping:
// label || u16 len(artifact) || artifact || u32 part index.
func dekAAD(artifact string, index uint32) []byte {
	b := make([]byte, 0, len(dekLabel)+2+len(artifact)+4)
	b = append(b, dekLabel...)
	b = binary.BigEndian.AppendUint16(b, uint16(len(artifact)))
	b = append(b, artifact...)
	return binary.BigEndian.AppendUint32(b, index)
}

// streamAAD is the associated data of the part's streaming AEAD (Tink feeds it
// to HKDF as info): label || u16 len(artifact) || artifact || header bytes.
// The header carries the part index, the last and compressed flags, the
// segment size, the key id and the wrapped data key.
func streamAAD(artifact string, rawHeader []byte) []byte {
	b := make([]byte, 0, len(streamLabel)+2+len(artifact)+len(rawHeader))
	b = append(b, streamLabel...)
	b = binary.BigEndian.AppendUint16(b, uint16(len(artifact)))
	b = append(b, artifact...)
	return append(b, rawHeader...)
}
