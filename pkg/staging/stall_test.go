package staging_test

import (
	"bytes"
	"crypto/rand"
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
