package staging_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"testing"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/embednats"
	"github.com/arcabackup/arca/pkg/staging"
	"github.com/arcabackup/arca/pkg/teststack"
)

// capped starts an encrypted embedded server in dir whose JetStream store
// is capped at maxStore (0: the server's default).
func capped(t *testing.T, dir, key string, maxStore int64) *teststack.NATS {
	t.Helper()
	return teststack.NewNATSWith(t, teststack.NATSOptions{Options: &embednats.Options{
		Dir: dir, Encryption: &embednats.Encryption{Key: key}, MaxStore: maxStore}})
}

func random(t *testing.T, n int) []byte {
	t.Helper()
	b := make([]byte, n)
	_, err := rand.Read(b)
	require.NoError(t, err)
	return b
}

func streamMaxBytes(ctx context.Context, t *testing.T, js jetstream.JetStream) []int64 {
	t.Helper()
	var out []int64
	for _, b := range []string{staging.PlainBucket, staging.Bucket} {
		s, err := js.Stream(ctx, "OBJ_"+b)
		require.NoError(t, err)
		out = append(out, s.CachedInfo().Config.MaxBytes)
	}
	return out
}

// Staging without a per-stream MaxBytes (which would make the server use
// 8 MiB file blocks, decision 43) is still capped on disk where Arca runs
// the server: by the server's store limit. A put beyond it fails with the
// server's "insufficient resources", leaves nothing under its key, and a
// put fits again once the space is freed.
func TestAnEmbeddedServerRefusesStagingBeyondItsStoreCap(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	key, err := embednats.NewKey()
	require.NoError(t, err)
	n := capped(t, t.TempDir(), key, 4<<20)
	st, err := staging.Ensure(ctx, n.JS, staging.Options{MaxBytes: -1})
	require.NoError(t, err)
	require.Equal(t, []int64{-1, -1}, streamMaxBytes(ctx, t, n.JS))

	_, err = st.Put(ctx, "a/0.plain", bytes.NewReader(random(t, 3<<20)), nil)
	require.NoError(t, err)
	_, err = st.Put(ctx, "a/1.plain", bytes.NewReader(random(t, 3<<20)), nil)
	require.Error(t, err, "a put beyond the server's store cap")
	require.ErrorIs(t, err, staging.ErrFull, "the put says staging is full: %v", err)
	require.ErrorContains(t, err, "insufficient resources", "and keeps the server's words")
	_, err = st.Stat(ctx, "a/1.plain")
	require.ErrorIs(t, err, staging.ErrNotFound, "the failed put leaves nothing under its key")

	require.NoError(t, st.Delete(ctx, "a/0.plain"))
	_, err = st.Put(ctx, "a/1.plain", bytes.NewReader(random(t, 3<<20)), nil)
	require.NoError(t, err, "the put fits once the space is freed")
}

// A store whose buckets were made with MaxBytes (8 GiB each, before
// decision 43's change) starts under arca dev's store cap (16 GiB), and
// Ensure without MaxBytes updates them in place: the parts they hold stay
// readable. The server still counts the old buckets' 16 GiB as reserved
// until they are updated, and refuses the update (JetStream error 10047,
// insufficient storage resources) under a cap below that: the second
// half of the test.
func TestEnsureLiftsMaxBytesOfBucketsMadeBeforeTheStoreCap(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	dir := t.TempDir()
	key, err := embednats.NewKey()
	require.NoError(t, err)
	old := capped(t, dir, key, 0)
	st, err := staging.Ensure(ctx, old.JS, staging.Options{})
	require.NoError(t, err)
	require.Equal(t, []int64{8 << 30, 8 << 30}, streamMaxBytes(ctx, t, old.JS))
	part := random(t, 1<<20)
	_, err = st.Put(ctx, "a/0.sealed", bytes.NewReader(part), nil)
	require.NoError(t, err)
	old.Conn.Close()
	old.Server.Stop()

	n := capped(t, dir, key, 16<<30)
	st, err = staging.Ensure(ctx, n.JS, staging.Options{MaxBytes: -1})
	require.NoError(t, err)
	require.Equal(t, []int64{-1, -1}, streamMaxBytes(ctx, t, n.JS))
	rc, _, err := st.Get(ctx, "a/0.sealed")
	require.NoError(t, err)
	var got bytes.Buffer
	_, err = got.ReadFrom(rc)
	require.NoError(t, err)
	require.NoError(t, rc.Close())
	require.Equal(t, part, got.Bytes())
	_, err = st.Put(ctx, "a/1.sealed", bytes.NewReader(random(t, 1<<20)), nil)
	require.NoError(t, err)

	n.Conn.Close()
	n.Server.Stop()

	dir = t.TempDir()
	old = capped(t, dir, key, 0)
	_, err = staging.Ensure(ctx, old.JS, staging.Options{})
	require.NoError(t, err)
	old.Conn.Close()
	old.Server.Stop()
	small := capped(t, dir, key, 1<<30)
	_, err = staging.Ensure(ctx, small.JS, staging.Options{MaxBytes: -1})
	require.ErrorContains(t, err, "insufficient storage resources")
}

// A bucket full to its own MaxBytes (staging on an external server, which
// keeps the per-bucket cap) says so in the same words.
func TestABucketFullToItsMaxBytesSaysStagingIsFull(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	key, err := embednats.NewKey()
	require.NoError(t, err)
	n := capped(t, t.TempDir(), key, 0)
	st, err := staging.Ensure(ctx, n.JS, staging.Options{MaxBytes: 4 << 20})
	require.NoError(t, err)

	_, err = st.Put(ctx, "a/0.plain", bytes.NewReader(random(t, 3<<20)), nil)
	require.NoError(t, err)
	_, err = st.Put(ctx, "a/1.plain", bytes.NewReader(random(t, 3<<20)), nil)
	require.ErrorIs(t, err, staging.ErrFull, "a put beyond the bucket's max bytes: %v", err)
	_, err = st.Stat(ctx, "a/1.plain")
	require.ErrorIs(t, err, staging.ErrNotFound, "the failed put leaves nothing under its key")
}
