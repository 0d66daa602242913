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

// BenchmarkGet compares reading a 32 MiB part chunk by chunk from the
// stream leader (Store.Get) with nats.go's ObjectStore.Get (an ordered
// consumer), which a cluster may place on a lagging follower.
func BenchmarkGet(b *testing.B) {
	n := teststack.NewNATS(b)
	ctx := b.Context()
	st, err := staging.Ensure(ctx, n.JS, staging.Options{})
	require.NoError(b, err)
	data := make([]byte, 32<<20)
	_, _ = rand.Read(data)
	_, err = st.Put(ctx, "bench/0.sealed", bytes.NewReader(data), nil)
	require.NoError(b, err)
	b.Run("chunks", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			rc, _, err := st.Get(ctx, "bench/0.sealed")
			require.NoError(b, err)
			_, err = io.Copy(io.Discard, rc)
			require.NoError(b, err)
			rc.Close()
		}
	})
	b.Run("objectstore", func(b *testing.B) {
		os, err := n.JS.ObjectStore(ctx, staging.Bucket)
		require.NoError(b, err)
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			res, err := os.Get(ctx, "bench/0.sealed")
			require.NoError(b, err)
			_, err = io.Copy(io.Discard, res)
			require.NoError(b, err)
			res.Close()
		}
	})
}
