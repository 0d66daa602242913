package staging_test

import (
	"bytes"
	"crypto/rand"
	"io"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/staging"
	"github.com/arcabackup/arca/pkg/teststack"
)

// gatedReader yields its first 128 KiB (one chunk), then waits for open
// before the rest.
type gatedReader struct {
	r       io.Reader
	first   int
	waiting chan<- struct{}
	open    <-chan struct{}
}

func (g *gatedReader) Read(p []byte) (int, error) {
	if g.first <= 0 && g.waiting != nil {
		close(g.waiting)
		g.waiting = nil
		<-g.open
	}
	if g.first > 0 {
		p = p[:min(len(p), g.first)]
	}
	n, err := g.r.Read(p)
	g.first -= n
	return n, err
}

// A part whose chunks are not one run in the stream (another put's chunks
// and metadata stored between its first and second chunk) reads back
// whole, by direct gets on a single-replica bucket (next by subject): a's
// nine chunks come in two batches, the first stepping over b's.
func TestPartReadsBackPastAnotherPutsChunks(t *testing.T) {
	t.Parallel()
	n := teststack.NewNATS(t)
	ctx := t.Context()
	st, err := staging.Ensure(ctx, n.JS, staging.Options{})
	require.NoError(t, err)
	a, b := make([]byte, 1<<20+5), make([]byte, 300<<10)
	_, _ = rand.Read(a)
	_, _ = rand.Read(b)

	waiting, open := make(chan struct{}), make(chan struct{})
	done := make(chan error, 1)
	go func() {
		_, err := st.Put(ctx, "a/0.plain", &gatedReader{r: bytes.NewReader(a), first: 128 << 10, waiting: waiting, open: open}, nil)
		done <- err
	}()
	<-waiting // a's first chunk is published; b's three chunks go in before its second
	_, err = st.Put(ctx, "b/0.plain", bytes.NewReader(b), nil)
	require.NoError(t, err)
	close(open)
	require.NoError(t, <-done)

	// One replica: no follower can lag, and reads are direct gets.
	stream, err := n.JS.Stream(ctx, "OBJ_"+staging.PlainBucket)
	require.NoError(t, err)
	require.True(t, stream.CachedInfo().Config.AllowDirect)
	for key, want := range map[string][]byte{"a/0.plain": a, "b/0.plain": b} {
		rc, info, err := st.Get(ctx, key)
		require.NoError(t, err)
		got, err := io.ReadAll(rc)
		require.NoError(t, err, key)
		require.NoError(t, rc.Close())
		require.EqualValues(t, len(want), info.Size)
		require.Equal(t, want, got, key)
	}
}
