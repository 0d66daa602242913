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

// directGets counts the next-by-subject direct gets sent to a bucket's
// stream (a chunk read; a metadata read asks on a longer subject).
func directGets(t *testing.T, url, bucket string) func() int {
	t.Helper()
	nc, _ := teststack.Connect(t, url)
	sub, err := nc.SubscribeSync("$JS.API.DIRECT.GET.OBJ_" + bucket)
	require.NoError(t, err)
	require.NoError(t, nc.Flush())
	return func() int {
		// The server has handled every request the read sent; the pong
		// comes after the copies it queued for this connection.
		require.NoError(t, nc.Flush())
		n, _, err := sub.Pending()
		require.NoError(t, err)
		return n
	}
}

func putRandom(t *testing.T, st *staging.Store, key string, size int) []byte {
	t.Helper()
	data := make([]byte, size)
	_, _ = rand.Read(data)
	_, err := st.Put(t.Context(), key, bytes.NewReader(data), nil)
	require.NoError(t, err)
	return data
}

// readBack reads a part whole, as a stage does.
func readBack(t *testing.T, st *staging.Store, key string) []byte {
	t.Helper()
	rc, _, err := st.Get(t.Context(), key)
	require.NoError(t, err)
	got, err := io.ReadAll(rc)
	require.NoError(t, err)
	require.NoError(t, rc.Close())
	return got
}

// On a single-replica bucket a part is read in batches of chunks, a few
// requests for 4 MiB, not one round trip per 128 KiB chunk (33 here),
// which was most of the time the encryptor and the uploader spent reading
// a part in arca dev.
func TestPartIsReadInBatchesOfChunks(t *testing.T) {
	t.Parallel()
	n := teststack.NewNATS(t)
	ctx := t.Context()
	st, err := staging.Ensure(ctx, n.JS, staging.Options{})
	require.NoError(t, err)
	data := putRandom(t, st, "a/0.sealed", 4<<20+1)
	requests := directGets(t, n.URL, staging.Bucket)

	require.True(t, bytes.Equal(data, readBack(t, st, "a/0.sealed")))
	// Batches of about 1 MiB: five, or six if a batch ends a chunk early.
	t.Logf("%d requests", requests())
	require.Positive(t, requests())
	require.LessOrEqual(t, requests(), 6)
}

// A part deleted after a batch was read ends the read with ErrNotFound at
// the next batch, having handed out only the chunks that came before.
func TestPartDeletedBetweenBatchesEndsTheRead(t *testing.T) {
	t.Parallel()
	n := teststack.NewNATS(t)
	ctx := t.Context()
	st, err := staging.Ensure(ctx, n.JS, staging.Options{StallTimeout: 10 * time.Minute})
	require.NoError(t, err)
	data := putRandom(t, st, "gone/0.sealed", 4<<20)

	rc, _, err := st.Get(ctx, "gone/0.sealed")
	require.NoError(t, err)
	defer func() { _ = rc.Close() }()
	first := make([]byte, 1)
	_, err = io.ReadFull(rc, first) // the first batch
	require.NoError(t, err)
	require.NoError(t, st.Delete(ctx, "gone/0.sealed"))
	rest, err := io.ReadAll(rc)
	require.ErrorIs(t, err, staging.ErrNotFound)
	require.Less(t, 1+len(rest), len(data))
	require.Equal(t, data[1:1+len(rest)], rest, "what came before the delete is the part's")
}

// An empty part reads back empty, without a request for chunks.
func TestEmptyPartReadsBackEmpty(t *testing.T) {
	t.Parallel()
	n := teststack.NewNATS(t)
	ctx := t.Context()
	st, err := staging.Ensure(ctx, n.JS, staging.Options{})
	require.NoError(t, err)
	putRandom(t, st, "e/0.plain", 0)
	requests := directGets(t, n.URL, staging.PlainBucket)

	rc, info, err := st.Get(ctx, "e/0.plain")
	require.NoError(t, err)
	got, err := io.ReadAll(rc)
	require.NoError(t, err)
	require.NoError(t, rc.Close())
	require.Empty(t, got)
	require.Zero(t, info.Size)
	require.Zero(t, requests())
}

// A read whose server goes away fails with ErrStalled once the stall
// timeout passes with no chunk, after the chunks it already holds; each
// batch request that times out is asked again meanwhile.
func TestReadStallsWhenTheServerIsGone(t *testing.T) {
	t.Parallel()
	n := teststack.NewNATS(t)
	ctx := t.Context()
	st, err := staging.Ensure(ctx, n.JS, staging.Options{StallTimeout: time.Second})
	require.NoError(t, err)
	data := putRandom(t, st, "s/0.sealed", 4<<20)

	rc, _, err := st.Get(ctx, "s/0.sealed")
	require.NoError(t, err)
	defer func() { _ = rc.Close() }()
	first := make([]byte, 1)
	_, err = io.ReadFull(rc, first)
	require.NoError(t, err)
	n.Server.Stop()
	rest, err := io.ReadAll(rc)
	require.ErrorIs(t, err, staging.ErrStalled)
	require.Less(t, 1+len(rest), len(data))
}

// A batch's chunks reach the client once: replies to an inbox under the
// connection's request mux (orbit.go jetstreamext's GetBatch) came twice,
// once more to the mux's wildcard subscription, 16 MiB for this part.
func TestBatchedChunksArriveOnce(t *testing.T) {
	t.Parallel()
	n := teststack.NewNATS(t)
	ctx := t.Context()
	st, err := staging.Ensure(ctx, n.JS, staging.Options{})
	require.NoError(t, err)
	data := putRandom(t, st, "a/0.sealed", 8<<20)

	before := n.Conn.Stats()
	require.True(t, bytes.Equal(data, readBack(t, st, "a/0.sealed")))
	received := n.Conn.Stats().InBytes - before.InBytes
	require.Less(t, received, uint64(len(data))*9/8, "bytes received for the part's %d", len(data))
}
