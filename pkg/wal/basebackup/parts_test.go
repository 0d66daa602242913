package basebackup

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/seal"
	"github.com/arcabackup/arca/pkg/seal/keyring/keyringtest"
)

func TestSealPartsCutsTheStreamAndEndsWithAnEmptyLastPart(t *testing.T) {
	t.Parallel()
	keys := keyringtest.New(t)
	kek, err := keys.Primary("")
	require.NoError(t, err)
	for _, c := range []struct{ size, workers int }{{0, 1}, {1, 2}, {3 << 20, 1}, {3 << 20, 3}, {3<<20 + 5, 2}, {9<<20 + 7, 3}} {
		size := c.size
		plain := make([]byte, size)
		_, _ = rand.Read(plain[:size/2]) // half random, half zeros: parts seal to different sizes
		var out bytes.Buffer
		parts, sum, err := sealParts(t.Context(), &out, bytes.NewReader(plain), "base/x", kek, 1<<20, c.workers)
		require.NoError(t, err)
		require.False(t, parts[len(parts)-1].PlainSize != 0, "the last part is empty")
		var off, plainTotal int64
		for i, p := range parts {
			require.Equal(t, i, p.Index)
			require.Equal(t, off, p.Offset)
			h := sha256.Sum256(out.Bytes()[p.Offset : p.Offset+p.Size])
			require.Equal(t, hex.EncodeToString(h[:]), p.SHA256)
			off += p.Size
			plainTotal += p.PlainSize
		}
		require.Equal(t, int64(out.Len()), off)
		require.Equal(t, int64(size), plainTotal)
		whole := sha256.Sum256(out.Bytes())
		require.Equal(t, whole[:], sum)

		got, err := io.ReadAll(seal.NewReader(bytes.NewReader(out.Bytes()), "base/x", keys))
		require.NoError(t, err, "size %d", size)
		require.Equal(t, len(plain), len(got))
		require.True(t, bytes.Equal(plain, got))

		// Without the empty last part the artifact is truncated.
		cut := out.Bytes()[:parts[len(parts)-1].Offset]
		_, err = io.ReadAll(seal.NewReader(bytes.NewReader(cut), "base/x", keys))
		require.ErrorIs(t, err, seal.ErrTruncated)
	}
}

type failingReader struct {
	r   io.Reader
	n   int // bytes before the error
	err error
}

func (f *failingReader) Read(p []byte) (int, error) {
	if f.n <= 0 {
		return 0, f.err
	}
	n, err := f.r.Read(p[:min(len(p), f.n)])
	f.n -= n
	return n, err
}

type failingWriter struct{ n int }

func (f *failingWriter) Write(p []byte) (int, error) {
	if f.n -= len(p); f.n < 0 {
		return 0, errors.New("disk full")
	}
	return len(p), nil
}

func TestSealPartsStopsAtTheFirstError(t *testing.T) {
	t.Parallel()
	keys := keyringtest.New(t)
	kek, err := keys.Primary("")
	require.NoError(t, err)
	plain := bytes.Repeat([]byte("pg page "), 2<<20) // 16 MiB
	src := &failingReader{r: bytes.NewReader(plain), n: 5<<20 + 3, err: errors.New("pg_basebackup died")}
	_, _, err = sealParts(t.Context(), io.Discard, src, "base/x", kek, 1<<20, 2)
	require.ErrorContains(t, err, "pg_basebackup died")

	_, _, err = sealParts(t.Context(), &failingWriter{n: 100}, bytes.NewReader(plain), "base/x", kek, 1<<20, 2)
	require.ErrorContains(t, err, "disk full")

	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, _, err = sealParts(ctx, io.Discard, bytes.NewReader(plain), "base/x", kek, 1<<20, 2)
	require.ErrorIs(t, err, context.Canceled)
}
