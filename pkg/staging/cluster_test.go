package staging_test

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/staging"
	"github.com/arcabackup/arca/pkg/teststack"
)

// A stage reads a part right after the previous stage's put was
// acknowledged, often through another cluster member: on an R3 cluster the
// read must see the put (a follower answering from a store that has not yet
// applied it turned parts into "gone from staging" dead letters).
func TestClusterReadsAPartRightAfterItsPutThroughAnyMember(t *testing.T) {
	t.Parallel()
	c := teststack.NewCluster(t)
	ctx := t.Context()
	stores := make([]*staging.Store, len(c.URLs))
	for i, u := range c.URLs {
		_, js := teststack.Connect(t, u)
		st, err := staging.Ensure(ctx, js, staging.Options{Replicas: 3})
		require.NoError(t, err, "node %d", i)
		stores[i] = st
	}

	for i := range 300 {
		w, r := stores[i%3], stores[(i+1+i/3%2)%3]
		data := make([]byte, 1+i*997%(300<<10))
		_, _ = rand.Read(data)
		sum := sha256.Sum256(data)
		for _, key := range []string{staging.PlainKey(fmt.Sprintf("a%d", i), 0), staging.SealedKey(fmt.Sprintf("a%d", i), 0)} {
			_, err := w.Put(ctx, key, bytes.NewReader(data), nil)
			require.NoError(t, err, "put %s", key)

			info, err := r.Stat(ctx, key)
			require.NoError(t, err, "stat %s right after its put", key)
			require.Equal(t, hex.EncodeToString(sum[:]), info.SHA256, key)

			rc, info, err := r.Get(ctx, key)
			require.NoError(t, err, "get %s right after its put", key)
			got, err := io.ReadAll(rc)
			require.NoError(t, err, "read %s", key)
			require.NoError(t, rc.Close())
			require.Equal(t, int64(len(data)), info.Size, key)
			require.True(t, bytes.Equal(data, got), "%s read back different bytes", key)

			require.NoError(t, w.Delete(ctx, key))
			_, err = r.Stat(ctx, key)
			require.ErrorIs(t, err, staging.ErrNotFound, "stat %s right after its delete", key)
		}
	}
}
