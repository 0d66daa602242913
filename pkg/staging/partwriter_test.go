package staging_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/staging"
	"github.com/arcabackup/arca/pkg/teststack"
)

func TestPartWriterCutsStoresAndAnnouncesParts(t *testing.T) {
	t.Parallel()
	n := teststack.NewNATS(t)
	ctx := t.Context()
	st, err := staging.Ensure(ctx, n.JS, staging.Options{})
	require.NoError(t, err)

	for _, size := range []int{0, 1, 999, 1000, 1001, 3500} {
		data := make([]byte, size)
		_, _ = rand.Read(data)
		artifact := "a-" + hex.EncodeToString(data[:min(size, 4)]) + "-" + string(rune('a'+size%26))
		var parts []staging.Part
		w := staging.NewPartWriter(ctx, st, artifact, 1000, func(_ context.Context, p staging.Part) error {
			parts = append(parts, p)
			return nil
		})
		// Odd write sizes cross part boundaries.
		for off := 0; off < size; off += 333 {
			_, err := w.Write(data[off:min(off+333, size)])
			require.NoError(t, err)
		}
		count, err := w.Close()
		require.NoError(t, err)
		require.Equal(t, len(parts), count)
		require.True(t, parts[len(parts)-1].Last)
		var got bytes.Buffer
		for i, p := range parts {
			require.Equal(t, i, p.Index)
			require.Equal(t, i == len(parts)-1, p.Last)
			body, info := readPart(t, st, p)
			sum := sha256.Sum256(body)
			require.Equal(t, hex.EncodeToString(sum[:]), info.SHA256)
			require.Equal(t, p.Info, info)
			got.Write(body)
		}
		require.True(t, bytes.Equal(data, got.Bytes()), "size %d: parts reassemble the stream", size)
		require.Equal(t, size/1000+1, count, "size %d: a boundary-aligned stream ends with an empty last part", size)
	}
}

// A part whose put fails is put again alone: the bucket vanishes before the
// first part is stored and comes back a moment later, and the stream still
// arrives whole, each part announced once and in order. Before, the first
// failed put failed the whole export, which started over from a new
// snapshot.
func TestPartWriterRetriesAFailedPutOfOnePart(t *testing.T) {
	t.Parallel()
	n := teststack.NewNATS(t)
	ctx := t.Context()
	st, err := staging.Ensure(ctx, n.JS, staging.Options{})
	require.NoError(t, err)

	data := make([]byte, 5000)
	_, _ = rand.Read(data)
	var parts []staging.Part
	w := staging.NewPartWriter(ctx, st, "retried", 1000, func(_ context.Context, p staging.Part) error {
		parts = append(parts, p)
		return nil
	})
	require.NoError(t, n.JS.DeleteObjectStore(ctx, staging.PlainBucket)) // the bucket is gone...
	restored := make(chan error, 1)
	go func() {
		time.Sleep(500 * time.Millisecond)
		_, err := staging.Ensure(context.Background(), n.JS, staging.Options{}) // ...and back
		restored <- err
	}()
	_, err = w.Write(data)
	require.NoError(t, err)
	count, err := w.Close()
	require.NoError(t, err)
	require.NoError(t, <-restored)
	require.Equal(t, 6, count)
	require.Len(t, parts, 6)

	var got bytes.Buffer
	for i, p := range parts {
		require.Equal(t, i, p.Index)
		body, _ := readPart(t, st, p)
		got.Write(body)
	}
	require.Equal(t, data, got.Bytes())
}

// readPart reads a stored part whole.
func readPart(t *testing.T, st *staging.Store, p staging.Part) ([]byte, staging.Info) {
	t.Helper()
	rc, info, err := st.Get(t.Context(), p.Key)
	require.NoError(t, err)
	defer func() { _ = rc.Close() }()
	body, err := io.ReadAll(rc)
	require.NoError(t, err)
	return body, info
}

// With size 0 the writer cuts only where Cut says: a writer of compressed
// parts ends each part at a frame boundary, whatever its length.
func TestPartWriterCutsWhereToldWithoutASize(t *testing.T) {
	t.Parallel()
	n := teststack.NewNATS(t)
	ctx := t.Context()
	st, err := staging.Ensure(ctx, n.JS, staging.Options{})
	require.NoError(t, err)
	var parts []staging.Part
	w := staging.NewPartWriter(ctx, st, "cut", 0, func(_ context.Context, p staging.Part) error {
		parts = append(parts, p)
		return nil
	})
	want := []string{"first part, longer than the others", "second", "", "last"}
	for i, s := range want {
		_, err := w.Write([]byte(s))
		require.NoError(t, err)
		if i < len(want)-1 {
			require.NoError(t, w.Cut())
		}
	}
	count, err := w.Close()
	require.NoError(t, err)
	require.Equal(t, len(want), count)
	for i, p := range parts {
		require.Equal(t, i, p.Index)
		require.Equal(t, i == len(want)-1, p.Last)
		body, _ := readPart(t, st, p)
		require.Equal(t, want[i], string(body))
	}
	require.Error(t, w.Cut(), "a closed writer refuses to cut")
}
