package seal_test

import (
	"bytes"
	"io"
	"testing"

	"github.com/klauspost/compress/zstd"
	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/seal"
)

const smallSeg = seal.MinSegmentSize // 4 KiB segments make many segments cheap

// firstSegPlain is the plaintext of a full first segment: the segment minus
// Tink's 40-byte stream header and 16-byte tag.
const firstSegPlain = smallSeg - 40 - 16

func TestRoundTrip(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		data []byte
		opts []seal.Option
	}{
		{"empty", nil, nil},
		{"empty raw", nil, []seal.Option{seal.WithoutCompression()}},
		{"one byte", []byte{42}, nil},
		{"one byte raw", []byte{42}, []seal.Option{seal.WithoutCompression()}},
		{"exactly one segment", randomData(1, firstSegPlain), []seal.Option{seal.WithoutCompression(), seal.WithSegmentSize(smallSeg)}},
		{"one segment plus one byte", randomData(2, firstSegPlain+1), []seal.Option{seal.WithoutCompression(), seal.WithSegmentSize(smallSeg)}},
		{"exactly two segments", randomData(3, firstSegPlain+smallSeg-16), []seal.Option{seal.WithoutCompression(), seal.WithSegmentSize(smallSeg)}},
		{"many segments raw", randomData(4, 300_000), []seal.Option{seal.WithoutCompression(), seal.WithSegmentSize(smallSeg)}},
		{"many segments compressed", csvData(5, 2_000_000), []seal.Option{seal.WithSegmentSize(smallSeg)}},
		{"default segments", csvData(6, 5_000_000), nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			sealed := b.sealParts(t, "art-1", [][]byte{tc.data}, tc.opts...)
			got, err := b.open("art-1", concat(sealed))
			require.NoError(t, err)
			require.True(t, bytes.Equal(tc.data, got), "round trip differs: %d bytes in, %d out", len(tc.data), len(got))
		})
	}
}

func TestRoundTripManyParts(t *testing.T) {
	t.Parallel()
	b := setup(t)
	plains := [][]byte{csvData(1, 70_000), nil, {7}, csvData(2, 3_000_000), randomData(3, 50_000), csvData(4, 10)}
	sealed := b.sealParts(t, "art-many", plains, seal.WithSegmentSize(16<<10))
	got, err := b.open("art-many", concat(sealed))
	require.NoError(t, err)
	require.True(t, bytes.Equal(concat(plains), got))
}

// The decrypted payloads of compressed parts concatenate into one zstd stream.
func TestPayloadsFormOneZstdStream(t *testing.T) {
	t.Parallel()
	b := setup(t)
	plains := [][]byte{csvData(1, 100_000), csvData(2, 0), csvData(3, 200_000)}
	sealed := b.sealParts(t, "art-z", plains)

	pr := seal.NewPartReader(bytes.NewReader(concat(sealed)), "art-z", b.kr)
	var stream bytes.Buffer
	for i := 0; ; i++ {
		info, err := pr.Next()
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
		require.Equal(t, uint32(i), info.Index)
		require.True(t, info.Compressed)
		require.Equal(t, i == len(plains)-1, info.Last)
		require.Equal(t, b.kek.ID, info.KeyID)
		_, err = io.Copy(&stream, pr)
		require.NoError(t, err)
	}
	require.Equal(t, len(plains), pr.Parts())

	dec, err := zstd.NewReader(&stream)
	require.NoError(t, err)
	defer dec.Close()
	got, err := io.ReadAll(dec)
	require.NoError(t, err)
	require.True(t, bytes.Equal(concat(plains), got))
}

func TestSealRejectsBadInput(t *testing.T) {
	t.Parallel()
	b := setup(t)
	_, err := seal.Seal(t.Context(), io.Discard, bytes.NewReader(nil), seal.Part{}, b.kek)
	require.ErrorContains(t, err, "empty artifact id")
	_, err = seal.NewSealer(seal.WithSegmentSize(100))
	require.ErrorContains(t, err, "segment size")
}
