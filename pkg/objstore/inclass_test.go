package objstore_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/objstore"
	"github.com/arcabackup/arca/pkg/objstore/fsstore"
)

// A copy written as stored takes the destination's class instead of the
// source's; an object stored without a class stays without one.
func TestInClassWritesInItsClassWhatAsksForOne(t *testing.T) {
	fs, err := fsstore.New(t.TempDir())
	require.NoError(t, err)
	s := objstore.InClass(fs, "STANDARD")
	_, err = s.Put(t.Context(), "base/b1/data.arca", strings.NewReader("x"), 1, objstore.WithStorageClass("GLACIER"))
	require.NoError(t, err)
	_, err = s.Put(t.Context(), "wal/1", strings.NewReader("x"), 1)
	require.NoError(t, err)
	_, err = objstore.InClass(fs, "").Put(t.Context(), "base/b2/data.arca", strings.NewReader("x"), 1, objstore.WithStorageClass("GLACIER"))
	require.NoError(t, err)
	for key, class := range map[string]string{"base/b1/data.arca": "STANDARD", "wal/1": "", "base/b2/data.arca": "GLACIER"} {
		info, err := fs.Stat(t.Context(), key)
		require.NoError(t, err)
		require.Equal(t, class, info.StorageClass, key)
	}
}
