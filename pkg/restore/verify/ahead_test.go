package verify_test

import (
	"bytes"
	"io"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/restore/verify"
)

// countingReader counts the bytes read from it.
type countingReader struct {
	r io.Reader
	n atomic.Int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// The object is read from the bucket, and opened, while the caller is still
// on the first bytes of the plaintext: the stages run side by side (one
// goroutine opened only the part the caller's read needed, the first).
func TestStreamReadsTheObjectAheadOfItsReader(t *testing.T) {
	t.Parallel()
	b := setup(t)
	src := &countingReader{r: bytes.NewReader(b.obj)}
	s := verify.Open(t.Context(), src, b.m, b.keys)
	defer func() { require.NoError(t, s.Close()) }()

	one := make([]byte, 1)
	_, err := io.ReadFull(s, one)
	require.NoError(t, err)
	require.Eventually(t, func() bool { return src.n.Load() == int64(len(b.obj)) }, 10*time.Second, time.Millisecond,
		"the object read ahead of the caller")
	require.Eventually(t, func() bool { p, _ := s.Sizes(); return p == int64(len(b.obj)) && s.Parts() == 3 }, 10*time.Second, time.Millisecond,
		"every part opened ahead of the caller")

	// What the caller then reads is verified as before.
	require.NoError(t, s.Finish())
}
