package compress_test

import (
	"bytes"
	"crypto/rand"
	"fmt"
	mrand "math/rand/v2"
	"strings"
	"testing"

	"github.com/klauspost/compress/zstd"
	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/services/exporter/internal/compress"
)

type sink struct{ parts [][]byte }

func (s *sink) Write(b []byte) (int, error) {
	if len(s.parts) == 0 {
		s.parts = append(s.parts, nil)
	}
	s.parts[len(s.parts)-1] = append(s.parts[len(s.parts)-1], b...)
	return len(b), nil
}

func (s *sink) Cut() error { s.parts = append(s.parts, nil); return nil }

// csv makes n bytes of rows that compress about as well as real exports.
func csv(n int) []byte {
	r := mrand.New(mrand.NewPCG(1, 2))
	var b bytes.Buffer
	for i := 0; b.Len() < n; i++ {
		fmt.Fprintf(&b, "%d,resident-%d,%d,2026-11-%02d 10:%02d:00,\"note %x\"\n", i, r.IntN(500), r.IntN(90), 1+r.IntN(28), r.IntN(60), r.Uint32())
	}
	return b.Bytes()[:n]
}

// Every part but the last reaches the target in compressed bytes, each
// part is exactly one zstd frame that opens alone into the plaintext
// PlainSize says, and the parts in order give back the stream.
func TestPartsAreFramesCutByCompressedSize(t *testing.T) {
	t.Parallel()
	random := make([]byte, 3<<20)
	_, _ = rand.Read(random)
	inputs := map[string][]byte{"csv": csv(24 << 20), "random": random, "empty": nil, "tiny": []byte("x")}
	for name, data := range inputs {
		for _, low := range []bool{false, true} {
			if low {
				name += "/low-memory"
			}
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				partsAreFrames(t, name, data, low)
			})
		}
	}
}

// partsAreFrames checks one input, with the default encoder or the one a
// batch member compresses with (compress.LowMemory).
func partsAreFrames(t *testing.T, name string, data []byte, low bool) {
	t.Helper()
	var opts []zstd.EOption
	if low {
		opts = compress.LowMemory
	}
	const target = 512 << 10
	s := &sink{}
	w, err := compress.NewWriter(s, target, zstd.SpeedDefault, opts...)
	require.NoError(t, err)
	// Odd write sizes, some larger than the encoder's block.
	for off, i := 0, 0; off < len(data); i++ {
		n := []int{1, 4093, 300 << 10, 65536}[i%4]
		_, err := w.Write(data[off:min(off+n, len(data))])
		require.NoError(t, err)
		off += n
	}
	require.NoError(t, w.Close())
	if len(s.parts) == 0 {
		s.parts = [][]byte{nil}
	}
	dec, err := zstd.NewReader(nil, zstd.WithDecoderConcurrency(1))
	require.NoError(t, err)
	defer dec.Close()
	var got []byte
	for i, p := range s.parts {
		if i < len(s.parts)-1 {
			require.GreaterOrEqual(t, len(p), target, "part %d of %d is cut at or past the target", i, len(s.parts))
			require.Less(t, len(p), target+(256<<10), "part %d overshoots by at most about a block", i)
		}
		require.True(t, bytes.HasPrefix(p, []byte{0x28, 0xb5, 0x2f, 0xfd}), "part %d starts a frame", i)
		var h zstd.Header
		require.NoError(t, h.Decode(p))
		require.True(t, h.HasCheckSum, "part %d has a content checksum", i)
		require.LessOrEqual(t, h.WindowSize, uint64(2<<20), "a 2 MiB window")
		plain, err := dec.DecodeAll(p, nil)
		require.NoError(t, err, "part %d opens alone", i)
		size, ok := w.PlainSize(i)
		require.True(t, ok)
		require.Equal(t, int64(len(plain)), size, "part %d plaintext size", i)
		got = append(got, plain...)
	}
	_, ok := w.PlainSize(len(s.parts))
	require.False(t, ok)
	require.True(t, bytes.Equal(data, got), "the parts give back the stream")
	if strings.HasPrefix(name, "csv") {
		require.Greater(t, len(s.parts), 3, "24 MiB of CSV spans several 512 KiB compressed parts")
	}
}

func TestWriterRefusesUseAfterClose(t *testing.T) {
	w, err := compress.NewWriter(&sink{}, 1, zstd.SpeedDefault)
	require.NoError(t, err)
	require.NoError(t, w.Close())
	_, err = w.Write([]byte("x"))
	require.Error(t, err)
	require.Error(t, w.Close())
	_, err = compress.NewWriter(&sink{}, 0, zstd.SpeedDefault)
	require.Error(t, err)
}
