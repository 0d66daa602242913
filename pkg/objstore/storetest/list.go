package storetest

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/objstore"
)

func testList(t *testing.T, s objstore.Store, f Features) {
	all := []string{"a-c", "a/1", "a/2", "a/b/3", "ab", "b"}
	for _, k := range []string{"b", "a/b/3", "ab", "a/2", "a-c", "a/1"} {
		put(t, s, k, []byte(k))
	}
	require.Equal(t, all, keys(t, s, ""))
	require.Equal(t, []string{"a/1", "a/2", "a/b/3"}, keys(t, s, "a/"))
	require.Equal(t, []string{"a-c", "a/1", "a/2", "a/b/3", "ab"}, keys(t, s, "a"))
	require.Equal(t, []string{"a/b/3"}, keys(t, s, "a/b"))
	require.Empty(t, keys(t, s, "zzz"))

	for info, err := range s.List(t.Context(), "a/b/") {
		require.NoError(t, err)
		require.EqualValues(t, len("a/b/3"), info.Size)
		require.NotEmpty(t, info.ETag)
		require.False(t, info.LastModified.IsZero())
	}

	// Stopping early is allowed.
	n := 0
	for _, err := range s.List(t.Context(), "") {
		require.NoError(t, err)
		n++
		break
	}
	require.Equal(t, 1, n)
}

func testDelete(t *testing.T, s objstore.Store, f Features) {
	put(t, s, "d/1", []byte("1"))
	put(t, s, "d/2", []byte("2"))
	require.NoError(t, s.Delete(t.Context(), "d/1"))
	_, err := s.Stat(t.Context(), "d/1")
	require.ErrorIs(t, err, objstore.ErrNotFound)
	require.Equal(t, []string{"d/2"}, keys(t, s, ""))
	require.NoError(t, s.Delete(t.Context(), "d/1"), "twice")
	require.NoError(t, s.Delete(t.Context(), "d/2"))
	require.Empty(t, keys(t, s, ""))
	put(t, s, "d", []byte("a key where a prefix was"))
	require.Equal(t, []string{"d"}, keys(t, s, ""))
}
