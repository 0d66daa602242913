package storetest

import (
	"bytes"
	"encoding/hex"
	"io"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/objstore"
)

func testPutGetStat(t *testing.T, s objstore.Store, f Features) {
	data := randomBytes(1, 100_000)
	info := put(t, s, "tenants/t1/b1/data.arca", data)
	require.Equal(t, "tenants/t1/b1/data.arca", info.Key)
	require.EqualValues(t, len(data), info.Size)
	require.Equal(t, digest(data), info.SHA256)

	require.Equal(t, data, readAll(t, s, "tenants/t1/b1/data.arca"))
	st, err := s.Stat(t.Context(), "tenants/t1/b1/data.arca")
	require.NoError(t, err)
	require.EqualValues(t, len(data), st.Size)
	require.Equal(t, digest(data), st.SHA256)
	require.NotEmpty(t, st.ETag)
	require.False(t, st.LastModified.IsZero())
	require.Zero(t, st.Lock)
}

func testNotFound(t *testing.T, s objstore.Store, f Features) {
	ctx := t.Context()
	_, err := s.Get(ctx, "missing/key", objstore.Range{})
	require.ErrorIs(t, err, objstore.ErrNotFound)
	_, err = s.Stat(ctx, "missing/key")
	require.ErrorIs(t, err, objstore.ErrNotFound)
	require.NoError(t, s.Delete(ctx, "missing/key"), "Delete is idempotent")
	require.Empty(t, keys(t, s, "missing/"))

	put(t, s, "dir/file", []byte("x"))
	_, err = s.Stat(ctx, "dir")
	require.ErrorIs(t, err, objstore.ErrNotFound, "a prefix is not an object")
	_, err = s.Stat(ctx, "dir/file/below")
	require.ErrorIs(t, err, objstore.ErrNotFound)
}

func testOverwrite(t *testing.T, s objstore.Store, f Features) {
	put(t, s, "k", []byte("first version, longer"))
	put(t, s, "k", []byte("second"))
	require.Equal(t, []byte("second"), readAll(t, s, "k"))
	st, err := s.Stat(t.Context(), "k")
	require.NoError(t, err)
	require.EqualValues(t, 6, st.Size)
	require.Equal(t, digest([]byte("second")), st.SHA256)
	require.Equal(t, []string{"k"}, keys(t, s, ""))
}

func testZeroBytes(t *testing.T, s objstore.Store, f Features) {
	put(t, s, "empty/known", nil)
	_, err := s.Put(t.Context(), "empty/unknown", bytes.NewReader(nil), -1)
	require.NoError(t, err)
	for _, k := range []string{"empty/known", "empty/unknown"} {
		require.Empty(t, readAll(t, s, k))
		st, err := s.Stat(t.Context(), k)
		require.NoError(t, err)
		require.Zero(t, st.Size)
		require.Equal(t, digest(nil), st.SHA256)
	}
}

func testRange(t *testing.T, s objstore.Store, f Features) {
	data := randomBytes(2, 10_000)
	put(t, s, "r", data)
	for _, rng := range []objstore.Range{{Offset: 0, Length: 1}, {Offset: 100, Length: 900}, {Offset: 9_000}, {Offset: 9_999, Length: 5}} {
		rc, err := s.Get(t.Context(), "r", rng)
		require.NoError(t, err)
		got, err := io.ReadAll(rc)
		require.NoError(t, err)
		require.NoError(t, rc.Close())
		end := int64(len(data))
		if rng.Length > 0 {
			end = min(end, rng.Offset+rng.Length)
		}
		require.Equal(t, data[rng.Offset:end], got, "range %+v", rng)
	}
	_, err := s.Get(t.Context(), "r", objstore.Range{Offset: 10_000})
	require.Error(t, err, "a range past the end")
}

// testUnknownSize streams more than a part of unknown length.
func testUnknownSize(t *testing.T, s objstore.Store, f Features) {
	n := objstore.DefaultPartSize + 3*objstore.MiB + 17
	info, err := s.Put(t.Context(), "unknown", randomReader(3, n), -1)
	require.NoError(t, err)
	require.Equal(t, n, info.Size)
	sum, size := hashObject(t, s, "unknown")
	require.Equal(t, n, size)
	require.Equal(t, digest(randomBytes(3, n)), sum)
}

func testShortReader(t *testing.T, s objstore.Store, f Features) {
	_, err := s.Put(t.Context(), "short", bytes.NewReader([]byte("abc")), 10)
	require.Error(t, err)
	_, err = s.Stat(t.Context(), "short")
	require.ErrorIs(t, err, objstore.ErrNotFound, "nothing stored")
}

func testChecksumMismatch(t *testing.T, s objstore.Store, f Features) {
	data := []byte("sealed part bytes")
	wrong := digest([]byte("other bytes"))
	_, err := s.Put(t.Context(), "bad", bytes.NewReader(data), int64(len(data)), objstore.WithSHA256(wrong))
	require.ErrorIs(t, err, objstore.ErrChecksumMismatch)
	_, err = s.Stat(t.Context(), "bad")
	require.ErrorIs(t, err, objstore.ErrNotFound, "nothing stored")

	info := put(t, s, "good", data, objstore.WithSHA256(digest(data)))
	require.Equal(t, hex.EncodeToString(digest(data)), hex.EncodeToString(info.SHA256))
}

func testInvalidKeys(t *testing.T, s objstore.Store, f Features) {
	for _, k := range []string{"", "/abs", "a//b", "a/../b", "trailing/", "./x"} {
		_, err := s.Put(t.Context(), k, bytes.NewReader(nil), 0)
		require.Error(t, err, "key %q", k)
	}
}

// testLargeStreaming puts and gets an object larger than any buffer the
// store may hold, from a reader that cannot seek.
func testLargeStreaming(t *testing.T, s objstore.Store, f Features) {
	n := f.largeSize()
	info, err := s.Put(t.Context(), "large", randomReader(4, n), n)
	require.NoError(t, err)
	require.Equal(t, n, info.Size)
	sum, size := hashObject(t, s, "large")
	require.Equal(t, n, size)
	want := digestOfStream(t, randomReader(4, n))
	require.Equal(t, want, sum)
}
