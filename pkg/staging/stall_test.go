package staging_test

import (
	"bytes"
	"crypto/rand"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/staging"
	"github.com/arcabackup/arca/pkg/teststack"
)

// slowReader yields its bytes in small pieces with a pause before each.
type slowReader struct {
	r     io.Reader
	pause time.Duration
}

func (s slowReader) Read(p []byte) (int, error) {
	time.Sleep(s.pause)
	return s.r.Read(p[:min(len(p), 64<<10)])
}

// A part that moves slowly, but moves, is never cut short: before, a Get
// was bounded as a whole by the client's 5 s default ("read pipe: i/o
// timeout" on a loaded machine) however steadily it read. Here both sides
// take about 8 s, with a stall timeout of one second: time spent waiting
// for the caller does not count.
func TestSlowButMovingTransfersSucceed(t *testing.T) {
	t.Parallel()
	n := teststack.NewNATS(t)
	ctx := t.Context()
	st, err := staging.Ensure(ctx, n.JS, staging.Options{StallTimeout: time.Second})
	require.NoError(t, err)
	data := make([]byte, 2<<20)
	_, _ = rand.Read(data)

	// A producer slower than the stall timeout in all, not between bytes.
	info, err := st.Put(ctx, "slow/0.plain", slowReader{r: bytes.NewReader(data), pause: 250 * time.Millisecond}, nil)
	require.NoError(t, err)
	require.EqualValues(t, len(data), info.Size)

	// A consumer reading slowly for longer than 5 s.
	rc, _, err := st.Get(ctx, "slow/0.plain")
	require.NoError(t, err)
	got, err := io.ReadAll(slowReader{r: rc, pause: 250 * time.Millisecond})
	require.NoError(t, err)
	require.NoError(t, rc.Close())
	require.Equal(t, data, got)
}

// A part deleted while it is read ends the read with ErrNotFound within
// seconds, not after the stall timeout: the uploader's advancers race for
// a part, and the loser's read used to hang.
func TestPartDeletedWhileReadEndsTheRead(t *testing.T) {
	t.Parallel()
	n := teststack.NewNATS(t)
	ctx := t.Context()
	st, err := staging.Ensure(ctx, n.JS, staging.Options{StallTimeout: 10 * time.Minute})
	require.NoError(t, err)
	data := make([]byte, 48<<20)
	_, _ = rand.Read(data)
	_, err = st.Put(ctx, "gone/0.sealed", bytes.NewReader(data), nil)
	require.NoError(t, err)

	rc, _, err := st.Get(ctx, "gone/0.sealed")
	require.NoError(t, err)
	defer func() { _ = rc.Close() }()
	first := make([]byte, 1)
	_, err = io.ReadFull(rc, first)
	require.NoError(t, err)
	require.NoError(t, st.Delete(ctx, "gone/0.sealed"))
	done := make(chan error, 1)
	go func() {
		got, err := io.ReadAll(rc)
		if err == nil && !bytes.Equal(data[1:], got) {
			err = errors.New("wrong bytes")
		}
		done <- err
	}()
	select {
	case err := <-done:
		// Chunks already on their way may complete the read; otherwise
		// the read says the part is gone.
		t.Logf("read after the delete: %v", err)
		if err != nil {
			require.ErrorIs(t, err, staging.ErrNotFound)
		}
	case <-time.After(time.Minute):
		t.Fatal("the read of a deleted part hangs")
	}
}
