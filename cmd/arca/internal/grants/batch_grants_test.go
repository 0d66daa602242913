package grants_test

import (
	"bytes"
	"crypto/rand"
	"io"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/cmd/arca/internal/config"
	"github.com/arcabackup/arca/cmd/arca/internal/stack"
	"github.com/arcabackup/arca/pkg/staging"
	"github.com/arcabackup/arca/pkg/teststack"
)

// A part of several batches (pkg/staging reads single-replica buckets in
// batched direct gets, one batch ahead) read as the encryptor and as the
// uploader under the generated permissions: each may ask for direct gets
// of its bucket and take the replies on its own inbox prefix. The other
// test's parts fit one batch, so it never asks for a second.
func TestStagingReadsInBatchesUnderTheGeneratedGrants(t *testing.T) {
	url := grantServer(t)
	ctx := t.Context()
	connect := func(name string) *stack.Conn {
		cfg := config.Default()
		cfg.NATS.URL = url(name)
		c, err := stack.Connect(ctx, cfg, name)
		require.NoError(t, err)
		t.Cleanup(c.NC.Close)
		return c
	}
	exp, enc, up := connect("exporter"), connect("encryptor"), connect("uploader")
	onc, _ := teststack.Connect(t, url("operator"))
	plainReq, err := onc.SubscribeSync("$JS.API.DIRECT.GET.OBJ_" + staging.PlainBucket)
	require.NoError(t, err)
	sealedReq, err := onc.SubscribeSync("$JS.API.DIRECT.GET.OBJ_" + staging.Bucket)
	require.NoError(t, err)
	require.NoError(t, onc.Flush())

	data := make([]byte, 5<<20+3)
	_, _ = rand.Read(data)
	_, err = exp.Staging.Put(ctx, "t/0.plain", bytes.NewReader(data), nil)
	require.NoError(t, err)
	rc, _, err := enc.Staging.Get(ctx, "t/0.plain")
	require.NoError(t, err)
	got, err := io.ReadAll(rc)
	require.NoError(t, err)
	_ = rc.Close()
	require.True(t, bytes.Equal(data, got))
	_, err = enc.Staging.Put(ctx, "t/0.sealed", bytes.NewReader(data), nil)
	require.NoError(t, err)
	rc, _, err = up.Staging.Get(ctx, "t/0.sealed")
	require.NoError(t, err)
	got, err = io.ReadAll(rc)
	require.NoError(t, err)
	_ = rc.Close()
	require.True(t, bytes.Equal(data, got))
	require.NoError(t, onc.Flush())
	p, _, _ := plainReq.Pending()
	s, _, _ := sealedReq.Pending()
	require.GreaterOrEqual(t, p, 6, "batched reads of the plain part, 1 MiB each")
	require.GreaterOrEqual(t, s, 6, "batched reads of the sealed part, 1 MiB each")
	for n, c := range map[string]*stack.Conn{"exporter": exp, "encryptor": enc, "uploader": up} {
		require.NoError(t, c.NC.LastError(), n)
	}
}
