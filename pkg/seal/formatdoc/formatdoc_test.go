package formatdoc_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	aeadsubtle "github.com/tink-crypto/tink-go/v2/aead/subtle"

	"github.com/arcabackup/arca/pkg/seal"
	"github.com/arcabackup/arca/pkg/seal/formatdoc"
	"github.com/arcabackup/arca/pkg/seal/keyring"
	"github.com/arcabackup/arca/pkg/seal/keyring/keyringtest"
	"github.com/arcabackup/arca/pkg/zframe"
)

// The worked example of docs/format.md §5 opens with the KEK it names.
func TestWorkedExample(t *testing.T) {
	t.Parallel()
	h, err := os.ReadFile("../testdata/example.hex")
	require.NoError(t, err)
	sealed, err := hex.DecodeString(strings.TrimSpace(string(h)))
	require.NoError(t, err)
	require.Len(t, sealed, 166)
	kek := make([]byte, 32)
	for i := range kek {
		kek[i] = byte(i)
	}
	plain, err := formatdoc.OpenArtifact(sealed, "example-artifact", formatdoc.Keys{"k-example": kek})
	require.NoError(t, err)
	require.Equal(t, "hello, arca\n", string(plain))
	_, err = formatdoc.OpenArtifact(sealed, "another-artifact", formatdoc.Keys{"k-example": kek})
	require.ErrorContains(t, err, "does not unwrap")
}

// rawKEK is a random AES-GCM key-encryption key, as seal uses it and as
// the page's reader holds it (its raw material by id).
func rawKEK(t *testing.T) (seal.KEK, formatdoc.Keys) {
	t.Helper()
	material := make([]byte, 32)
	_, _ = rand.Read(material)
	a, err := aeadsubtle.NewAESGCM(material)
	require.NoError(t, err)
	kek := seal.KEK{ID: "k0123456789abcdef", AEAD: a}
	return kek, formatdoc.Keys{kek.ID: material}
}

// Segment boundaries (§1.3) and mixed compression (§1.4): parts of every
// size around a segment's edge, compressed or not, open by the page.
func TestSegmentsAndCompression(t *testing.T) {
	t.Parallel()
	kek, keys := rawKEK(t)
	const s = 4096 // the smallest segment size readers accept
	for _, n := range []int{0, 1, s - 56, s - 55, s - 56 + s - 16, s - 56 + s - 15, 5*s + 7} {
		for _, compress := range []bool{true, false} {
			plain := make([]byte, n)
			_, _ = rand.Read(plain)
			var sealed bytes.Buffer
			opts := []seal.Option{seal.WithSegmentSize(s)}
			if !compress {
				opts = append(opts, seal.WithoutCompression())
			}
			sl, err := seal.NewSealer(opts...)
			require.NoError(t, err)
			// Two parts: this one and an empty last one, as base backups end.
			_, err = sl.Seal(context.Background(), &sealed, bytes.NewReader(plain), seal.Part{Artifact: "base/x", Index: 0}, kek)
			require.NoError(t, err)
			_, err = sl.Seal(context.Background(), &sealed, bytes.NewReader(nil), seal.Part{Artifact: "base/x", Index: 1, Last: true}, kek)
			require.NoError(t, err)
			got, err := formatdoc.OpenArtifact(sealed.Bytes(), "base/x", keys)
			require.NoError(t, err, "size %d compress %v", n, compress)
			require.True(t, bytes.Equal(plain, got), "size %d compress %v", n, compress)
			_, err = formatdoc.OpenArtifact(sealed.Bytes()[:sealed.Len()-1], "base/x", keys)
			require.Error(t, err)
		}
	}
}

// A keyring file written by pkg/seal/keyring opens with the passphrase, by
// §6 alone, and gives the material of every version.
func TestKeyringFile(t *testing.T) {
	t.Parallel()
	kr := keyringtest.New(t)
	_, err := kr.Rotate("casa-01")
	require.NoError(t, err)
	doc, err := kr.Marshal()
	require.NoError(t, err)
	f := keyring.File{Path: t.TempDir() + "/keyring.json", Passphrase: []byte("correct horse")}
	require.NoError(t, f.Save(t.Context(), doc, true))
	raw, err := os.ReadFile(f.Path)
	require.NoError(t, err)
	keys, err := formatdoc.OpenKeyringFile(raw, []byte("correct horse"))
	require.NoError(t, err)
	require.Len(t, keys, 2)
	def, err := kr.Primary("")
	require.NoError(t, err)
	tenant, err := kr.Primary("casa-01")
	require.NoError(t, err)
	require.Contains(t, keys, def.ID)
	require.Contains(t, keys, tenant.ID)

	var sealed bytes.Buffer
	_, err = seal.Seal(t.Context(), &sealed, strings.NewReader("x"), seal.Part{Artifact: "a", Last: true}, tenant)
	require.NoError(t, err)
	got, err := formatdoc.OpenArtifact(sealed.Bytes(), "a", keys)
	require.NoError(t, err)
	require.Equal(t, "x", string(got))

	_, err = formatdoc.OpenKeyringFile(raw, []byte("wrong"))
	require.Error(t, err)
}

// Parts cut by compressed size (§1.4): the exporter writes one zstd frame per
// part with zframe.NewEncoder and seals each as it is (Precompressed); an
// older object mixed raw parts and compressed ones. Both open by the page,
// each part by its flag.
func TestFramesCutByCompressedSizeAndOlderMixedParts(t *testing.T) {
	t.Parallel()
	kek, keys := rawKEK(t)
	var text bytes.Buffer
	for i := 0; text.Len() < 3<<20; i++ {
		fmt.Fprintf(&text, "%d,resident %d,%x\n", i, i%311, i*2654435761)
	}
	plain := text.Bytes()

	// Now: frames of about 32 KiB compressed, of whatever plaintext fits.
	enc, err := zframe.NewEncoder(seal.DefaultLevel)
	require.NoError(t, err)
	var frames [][]byte
	var frame bytes.Buffer
	enc.Reset(&frame)
	for off := 0; off < len(plain); off += 64 << 10 {
		_, err := enc.Write(plain[off:min(off+64<<10, len(plain))])
		require.NoError(t, err)
		if frame.Len() >= 32<<10 || off+64<<10 >= len(plain) {
			require.NoError(t, enc.Close())
			frames = append(frames, bytes.Clone(frame.Bytes()))
			frame.Reset()
			enc.Reset(&frame)
		}
	}
	require.Greater(t, len(frames), 2)
	framed, err := seal.NewSealer(seal.Precompressed())
	require.NoError(t, err)
	var now bytes.Buffer
	for i, f := range frames {
		_, err := framed.Seal(t.Context(), &now, bytes.NewReader(f), seal.Part{Artifact: "t.a1", Index: uint32(i), Last: i == len(frames)-1}, kek)
		require.NoError(t, err)
	}
	got, parts, err := formatdoc.OpenParts(now.Bytes(), "t.a1", keys)
	require.NoError(t, err)
	require.True(t, bytes.Equal(plain, got), "frames cut by compressed size")
	require.Len(t, parts, len(frames))
	for i, p := range parts {
		require.True(t, p.Compressed, "part %d", i)
		require.Equal(t, len(frames[i]), p.Payload, "part %d: the payload is the exporter's frame", i)
		if i < len(parts)-1 {
			require.GreaterOrEqual(t, p.Payload, 32<<10, "part %d: cut at the target", i)
		}
	}

	// Before: plaintext parts of 1 MiB, all raw but the last.
	raw, err := seal.NewSealer(seal.WithoutCompression())
	require.NoError(t, err)
	var old bytes.Buffer
	for i, off := 0, 0; off < len(plain); i, off = i+1, off+1<<20 {
		last := off+1<<20 >= len(plain)
		sl := raw
		if last {
			sl, err = seal.NewSealer()
			require.NoError(t, err)
		}
		_, err := sl.Seal(t.Context(), &old, bytes.NewReader(plain[off:min(off+1<<20, len(plain))]), seal.Part{Artifact: "t.a1", Index: uint32(i), Last: last}, kek)
		require.NoError(t, err)
	}
	got, parts, err = formatdoc.OpenParts(old.Bytes(), "t.a1", keys)
	require.NoError(t, err)
	require.True(t, bytes.Equal(plain, got), "older mixed parts")
	for i, p := range parts {
		require.Equal(t, p.Last, p.Compressed, "part %d: raw but the last", i)
	}

	// A source that is not a frame is not sealed as one.
	_, err = framed.Seal(t.Context(), io.Discard, strings.NewReader("plain text"), seal.Part{Artifact: "t.a1", Last: true}, kek)
	require.ErrorIs(t, err, seal.ErrNotFrame)
}
