package seal_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/seal"
)

// tampered is a small three-part artifact with 4 KiB segments, uncompressed so
// that ciphertext offsets map onto plaintext offsets.
type tampered struct {
	bundle
	plains [][]byte
	sealed [][]byte
	plain  []byte
}

func setupTampered(t *testing.T) tampered {
	b := setup(t)
	plains := [][]byte{randomData(1, 9_000), randomData(2, 10_000), randomData(3, 9_500)}
	sealed := b.sealParts(t, "art-t", plains, seal.WithoutCompression(), seal.WithSegmentSize(smallSeg))
	return tampered{bundle: b, plains: plains, sealed: sealed, plain: concat(plains)}
}

// start returns the offset of part p in the artifact and in the plaintext.
func (x tampered) start(p int) (sealedOff, plainOff int) {
	for i := range p {
		sealedOff += len(x.sealed[i])
		plainOff += len(x.plains[i])
	}
	return sealedOff, plainOff
}

// requireAuthError checks the error names the artifact and part and that the
// released plaintext is an authentic prefix holding at most maxOut bytes.
func requireAuthError(t *testing.T, err error, out, plain []byte, artifact string, part uint32, maxOut int) {
	t.Helper()
	ae := authError(t, err)
	require.Equal(t, artifact, ae.Artifact)
	require.Equal(t, part, ae.Part, "error: %v", err)
	require.True(t, bytes.HasPrefix(plain, out), "released bytes are not authentic plaintext")
	require.LessOrEqual(t, len(out), maxOut, "released plaintext of the damaged segment: %v", err)
}

func authError(t *testing.T, err error) *seal.AuthError {
	t.Helper()
	var ae *seal.AuthError
	require.True(t, errors.As(err, &ae), "want *AuthError, got %v", err)
	return ae
}

func TestFlippedBitAnywhere(t *testing.T) {
	t.Parallel()
	x := setupTampered(t)
	artifact := concat(x.sealed)
	for p := range x.sealed {
		sOff, pOff := x.start(p)
		k := int(x.sealed[p][14])
		hdrLen := 15 + k + 2 + int(binary.BigEndian.Uint16(x.sealed[p][15+k:]))
		for off := 0; off < len(x.sealed[p]); off++ {
			if off > hdrLen+64 && off%13 != 0 && off < len(x.sealed[p])-64 {
				continue // every header byte, the start and end of the body, a stride of the rest
			}
			for _, bit := range []byte{0x01, 0x80} {
				damaged := bytes.Clone(artifact)
				damaged[sOff+off] ^= bit
				out, err := x.open("art-t", damaged)
				maxOut := pOff + releasable(off-hdrLen)
				requireAuthError(t, err, out, x.plain, "art-t", uint32(p), maxOut)
			}
		}
	}
}

// releasable returns how much plaintext of a part may be released when the
// byte at offset body of its framed ciphertext (negative: in the part header)
// is damaged: the segments wholly before it, and for a damaged chunk length
// also the segment right after, whose bytes are intact. Nothing of the damaged
// segment itself, and nothing at all for a damaged header.
func releasable(body int) int {
	const tinkHdr, tag = 40, 16
	switch {
	case body < 0 || body >= 4 && body < 4+tinkHdr:
		return 0 // part header, Tink stream header
	case body < 4 || body < 4+tinkHdr+4:
		return smallSeg - tinkHdr - tag // a chunk length
	}
	pos, pt, ct := 4+tinkHdr+4, 0, smallSeg-tinkHdr
	for {
		if body < pos+ct {
			return pt
		}
		pt, pos = pt+ct-tag, pos+ct
		if body < pos+4 {
			return pt + smallSeg - tag
		}
		pos, ct = pos+4, smallSeg
	}
}

func TestFlipInLastSegmentReleasesNothingOfIt(t *testing.T) {
	t.Parallel()
	x := setupTampered(t)
	artifact := concat(x.sealed)
	// 9_500 bytes: segments of 4040 and 4080 plaintext bytes, then 1380 in the last.
	damaged := bytes.Clone(artifact)
	damaged[len(damaged)-4-20] ^= 0x10 // inside the last segment, before the end marker
	out, err := x.open("art-t", damaged)
	requireAuthError(t, err, out, x.plain, "art-t", 2, len(x.plain)-1380)
	require.ErrorIs(t, err, seal.ErrTampered)
}

func TestTruncated(t *testing.T) {
	t.Parallel()
	x := setupTampered(t)
	artifact := concat(x.sealed)

	t.Run("last part missing", func(t *testing.T) {
		t.Parallel()
		s2, _ := x.start(2)
		out, err := x.open("art-t", artifact[:s2])
		requireAuthError(t, err, out, x.plain, "art-t", 2, len(x.plain))
		require.ErrorIs(t, err, seal.ErrTruncated)
	})
	t.Run("empty artifact", func(t *testing.T) {
		t.Parallel()
		out, err := x.open("art-t", nil)
		requireAuthError(t, err, out, x.plain, "art-t", 0, 0)
		require.ErrorIs(t, err, seal.ErrTruncated)
	})
	t.Run("cut mid-part", func(t *testing.T) {
		t.Parallel()
		s1, p1 := x.start(1)
		for _, cut := range []int{1, 10, 30, 100, 200, 4200, len(x.sealed[1]) - 4, len(x.sealed[1]) - 1} {
			out, err := x.open("art-t", artifact[:s1+cut])
			requireAuthError(t, err, out, x.plain, "art-t", 1, p1+len(x.plains[1]))
			require.ErrorIs(t, err, seal.ErrTruncated, "cut at %d", cut)
		}
	})
	t.Run("data after the last part", func(t *testing.T) {
		t.Parallel()
		out, err := x.open("art-t", append(bytes.Clone(artifact), 'x'))
		requireAuthError(t, err, out, x.plain, "art-t", 3, len(x.plain))
		require.ErrorIs(t, err, seal.ErrTrailingData)
	})
}

func TestPartsSwapped(t *testing.T) {
	t.Parallel()
	x := setupTampered(t)
	swapped := concat([][]byte{x.sealed[1], x.sealed[0], x.sealed[2]})
	out, err := x.open("art-t", swapped)
	requireAuthError(t, err, out, x.plain, "art-t", 0, 0)
	require.ErrorIs(t, err, seal.ErrOutOfOrder)

	// The last part placed early is refused even though its index matches
	// nothing else: the last flag is authenticated and nothing may follow it.
	lastFirst := concat([][]byte{x.sealed[0], x.sealed[2], x.sealed[1]})
	out, err = x.open("art-t", lastFirst)
	_, p1 := x.start(1)
	requireAuthError(t, err, out, x.plain, "art-t", 1, p1)
}

func TestPartFromAnotherArtifact(t *testing.T) {
	t.Parallel()
	x := setupTampered(t)
	other := x.sealParts(t, "art-other", x.plains, seal.WithoutCompression(), seal.WithSegmentSize(smallSeg))
	spliced := concat([][]byte{x.sealed[0], other[1], x.sealed[2]})
	out, err := x.open("art-t", spliced)
	_, p1 := x.start(1)
	requireAuthError(t, err, out, x.plain, "art-t", 1, p1)
	require.ErrorIs(t, err, seal.ErrTampered)

	// Opening a whole artifact under another id fails at its first part.
	out, err = x.open("art-other", concat(x.sealed))
	requireAuthError(t, err, out, x.plain, "art-other", 0, 0)
}

// wrongKeys answers every key id with a key of its own.
type wrongKeys struct{ kek seal.KEK }

func (w wrongKeys) Key(id string) (seal.KEK, error) { return seal.KEK{ID: id, AEAD: w.kek.AEAD}, nil }

func TestWrongOrUnknownKey(t *testing.T) {
	t.Parallel()
	x := setupTampered(t)
	artifact := concat(x.sealed)

	other := setup(t) // a keyring that never held x's key
	_, err := seal.Open(t.Context(), &bytes.Buffer{}, bytes.NewReader(artifact), "art-t", other.kr)
	var unknown *seal.UnknownKeyError
	require.True(t, errors.As(err, &unknown), "want *UnknownKeyError, got %v", err)
	require.Equal(t, x.kek.ID, unknown.KeyID)
	requireAuthError(t, err, nil, x.plain, "art-t", 0, 0)
	require.Equal(t, x.kek.ID, authError(t, err).KeyID)
	require.Contains(t, err.Error(), x.kek.ID)

	var out bytes.Buffer
	_, err = seal.Open(t.Context(), &out, bytes.NewReader(artifact), "art-t", wrongKeys{other.kek})
	requireAuthError(t, err, out.Bytes(), x.plain, "art-t", 0, 0)
	require.Equal(t, x.kek.ID, authError(t, err).KeyID)
	require.ErrorIs(t, err, seal.ErrTampered)
	require.Contains(t, err.Error(), x.kek.ID)
}
