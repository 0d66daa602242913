package seal

import (
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	aeadsubtle "github.com/tink-crypto/tink-go/v2/aead/subtle"
)

var update = flag.Bool("update", false, "rewrite testdata/example.hex")

// The worked example of docs/format.md: a fixed KEK, one tiny uncompressed
// part. The golden file pins the format; the test opens it both through Open
// and by hand, with the standard library only, following docs/format.md.
const (
	exampleArtifact = "example-artifact"
	exampleKeyID    = "k-example"
	examplePlain    = "hello, arca\n"
)

func exampleKEK(t *testing.T) KEK {
	kek := make([]byte, 32)
	for i := range kek {
		kek[i] = byte(i)
	}
	a, err := aeadsubtle.NewAESGCM(kek)
	require.NoError(t, err)
	return KEK{ID: exampleKeyID, AEAD: a}
}

type oneKey KEK

func (k oneKey) Key(id string) (KEK, error) {
	if id != k.ID {
		return KEK{}, &UnknownKeyError{KeyID: id}
	}
	return KEK(k), nil
}

func TestFormatExample(t *testing.T) {
	t.Parallel()
	path := filepath.Join("testdata", "example.hex")
	kek := exampleKEK(t)
	if *update {
		var buf bytes.Buffer
		_, err := Seal(context.Background(), &buf, strings.NewReader(examplePlain),
			Part{Artifact: exampleArtifact, Index: 0, Last: true}, kek, WithoutCompression())
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(path, []byte(hex.EncodeToString(buf.Bytes())+"\n"), 0o644))
	}
	h, err := os.ReadFile(path)
	require.NoError(t, err)
	sealed, err := hex.DecodeString(strings.TrimSpace(string(h)))
	require.NoError(t, err)

	var out bytes.Buffer
	_, err = Open(t.Context(), &out, bytes.NewReader(sealed), exampleArtifact, oneKey(kek))
	require.NoError(t, err)
	require.Equal(t, examplePlain, out.String())

	// By hand, as docs/format.md tells: 166 bytes, of which an 86-byte
	// header and a 4-byte end marker.
	require.Len(t, sealed, 166)
	b := sealed
	require.Equal(t, "ARCA", string(b[0:4]))
	require.Equal(t, byte(1), b[4])
	flags, index, segSize := b[5], binary.BigEndian.Uint32(b[6:10]), binary.BigEndian.Uint32(b[10:14])
	k := int(b[14])
	keyID := string(b[15 : 15+k])
	w := int(binary.BigEndian.Uint16(b[15+k:]))
	wrapped := b[17+k : 17+k+w]
	hdr := b[:17+k+w]
	require.Len(t, hdr, 86)
	body := b[17+k+w:]
	t.Logf("flags=%#x index=%d segment=%d keyid=%q wrapped(%d)=%x", flags, index, segSize, keyID, w, wrapped)

	dekAD := append([]byte("arca/seal/v1/dek"), 0, byte(len(exampleArtifact)))
	dekAD = append(append(dekAD, exampleArtifact...), 0, 0, 0, 0)
	kekKey := make([]byte, 32)
	for i := range kekKey {
		kekKey[i] = byte(i)
	}
	gcm := newGCM(t, kekKey)
	dek, err := gcm.Open(nil, wrapped[:12], wrapped[12:], dekAD)
	require.NoError(t, err)
	t.Logf("dek=%x", dek)

	var tink []byte
	for {
		n := binary.BigEndian.Uint32(body)
		body = body[4:]
		if n == 0 {
			break
		}
		tink, body = append(tink, body[:n]...), body[n:]
	}
	require.Empty(t, body)
	require.Equal(t, byte(40), tink[0])
	salt, prefix, seg := tink[1:33], tink[33:40], tink[40:]
	streamAD := append([]byte("arca/seal/v1/stream"), 0, byte(len(exampleArtifact)))
	streamAD = append(append(streamAD, exampleArtifact...), hdr...)
	segKey, err := hkdf.Key(sha256.New, dek, salt, string(streamAD), 32)
	require.NoError(t, err)
	nonce := append(append(bytes.Clone(prefix), 0, 0, 0, 0), 1) // segment 0, last
	plain, err := newGCM(t, segKey).Open(nil, nonce, seg, nil)
	require.NoError(t, err)
	require.Equal(t, examplePlain, string(plain))
	t.Logf("salt=%x nonce_prefix=%x segment_key=%x nonce=%x segment=%x", salt, prefix, segKey, nonce, seg)
}

func newGCM(t *testing.T, key []byte) cipher.AEAD {
	block, err := aes.NewCipher(key)
	require.NoError(t, err)
	gcm, err := cipher.NewGCM(block)
	require.NoError(t, err)
	return gcm
}
