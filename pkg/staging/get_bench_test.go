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

// BenchmarkGet compares reading a 32 MiB part from the stream leader
// (Store.Get; a single-replica bucket, so in batches of direct gets) with
// nats.go's ObjectStore.Get (an ordered consumer), which a cluster may
// place on a lagging follower. requests/op counts Store.Get's requests for
// chunks.
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
		nc, _ := teststack.Connect(b, n.URL)
		requests, err := nc.SubscribeSync("$JS.API.DIRECT.GET.OBJ_" + staging.Bucket)
		require.NoError(b, err)
		require.NoError(b, nc.Flush())
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			rc, _, err := st.Get(ctx, "bench/0.sealed")
			require.NoError(b, err)
			_, err = io.Copy(io.Discard, rc)
			require.NoError(b, err)
			_ = rc.Close()
		}
		require.NoError(b, nc.Flush())
		sent, _, err := requests.Pending()
		require.NoError(b, err)
		b.ReportMetric(float64(sent)/float64(b.N), "requests/op")
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
			_ = res.Close()
		}
	})
}
