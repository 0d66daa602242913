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
// applied it turned parts into "gone from staging" dead letters). So the
// buckets have no direct gets, and a part is read chunk by chunk from the
// leader, never in batches of direct gets (which any replica answers).
func TestClusterReadsAPartRightAfterItsPutThroughAnyMember(t *testing.T) {
	t.Parallel()
	c := teststack.NewCluster(t)
	ctx := t.Context()
	plainGets, sealedGets := directGets(t, c.URLs[0], staging.PlainBucket), directGets(t, c.URLs[0], staging.Bucket)
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
	require.Zero(t, plainGets()+sealedGets(), "direct gets on a replicated bucket")
}

// gate yields head, then waits for open before the rest.
type gate struct {
	head, rest []byte
	open       chan struct{}
	opened     bool
}

func (g *gate) Read(p []byte) (int, error) {
	if len(g.head) > 0 {
		n := copy(p, g.head)
		g.head = g.head[n:]
		return n, nil
	}
	if !g.opened {
		<-g.open
		g.opened = true
	}
	if len(g.rest) == 0 {
		return 0, io.EOF
	}
	n := copy(p, g.rest)
	g.rest = g.rest[n:]
	return n, nil
}

// A put that began before another put of the same key was stored must not
// replace it when it ends: a failed put's messages can still land after
// its retry (by another replica) succeeded, and with nats.go's Put its
// metadata then pointed the key at chunks it had purged (on a 3-node
// cluster: "a chunk is missing", every read of the part, until the job was
// dead-lettered).
func TestPutOvertakenByAnotherPutOfTheSameKeyLeavesTheOther(t *testing.T) {
	t.Parallel()
	n := teststack.NewNATS(t)
	ctx := t.Context()
	st, err := staging.Ensure(ctx, n.JS, staging.Options{})
	require.NoError(t, err)
	late, won := make([]byte, 1<<20), make([]byte, 3<<20)
	_, _ = rand.Read(late)
	_, _ = rand.Read(won)
	const key = "a1/2.sealed"

	g := &gate{head: late[:512<<10], rest: late[512<<10:], open: make(chan struct{})}
	done := make(chan error, 1)
	go func() { _, err := st.Put(ctx, key, g, nil); done <- err }()
	_, err = st.Put(ctx, key, bytes.NewReader(won), nil)
	require.NoError(t, err)
	close(g.open)
	require.ErrorIs(t, <-done, staging.ErrReplaced)

	rc, info, err := st.Get(ctx, key)
	require.NoError(t, err)
	got, err := io.ReadAll(rc)
	require.NoError(t, err)
	require.True(t, bytes.Equal(won, got), "the put that was stored stays")
	sum := sha256.Sum256(won)
	require.Equal(t, hex.EncodeToString(sum[:]), info.SHA256)

	// A later put of the key replaces it (a redelivered job re-staging).
	_, err = st.Put(ctx, key, bytes.NewReader(late), nil)
	require.NoError(t, err)
	rc, _, err = st.Get(ctx, key)
	require.NoError(t, err)
	got, err = io.ReadAll(rc)
	require.NoError(t, err)
	require.True(t, bytes.Equal(late, got))
}
