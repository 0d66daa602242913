package service_test

import (
	"context"
	"io"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/objstore"
	"github.com/arcabackup/arca/pkg/objstore/fsstore"
	"github.com/arcabackup/arca/pkg/teststack"
	uploader "github.com/arcabackup/arca/services/uploader/service"
)

// writeRecorder records the SSE-KMS key of every write to a store.
type writeRecorder struct {
	objstore.Store
	mu   sync.Mutex
	keys map[string]string // object key -> SSE-KMS key id of its write
}

func (r *writeRecorder) note(key string, opts []objstore.Option) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.keys[key] = objstore.NewOptions(opts...).SSEKMSKeyID
}

func (r *writeRecorder) written() map[string]string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := map[string]string{}
	for k, v := range r.keys {
		out[k] = v
	}
	return out
}

func (r *writeRecorder) Put(ctx context.Context, key string, body io.Reader, size int64, opts ...objstore.Option) (objstore.ObjectInfo, error) {
	r.note(key, opts)
	return r.Store.Put(ctx, key, body, size, opts...)
}

func (r *writeRecorder) CreateMultipart(ctx context.Context, key string, opts ...objstore.Option) (string, error) {
	r.note(key, opts)
	return r.Store.CreateMultipart(ctx, key, opts...)
}

// A copy is written under its destination's own SSE-KMS key (none when it
// has none: the bucket's default encryption), never under the primary's:
// a KMS key belongs to one region and account, so the primary's key in
// another region's bucket fails every copy, and a destination's own
// store.destinations[].s3.sse_kms_key_id was never used.
func TestCopyIsWrittenUnderItsDestinationsOwnKMSKey(t *testing.T) {
	t.Parallel()
	b := setup(t)
	newFS := func() objstore.Store {
		s, err := fsstore.New(t.TempDir())
		require.NoError(t, err)
		return s
	}
	primary := &writeRecorder{Store: newFS(), keys: map[string]string{}}
	plain := &writeRecorder{Store: newFS(), keys: map[string]string{}}
	dr := &writeRecorder{Store: newFS(), keys: map[string]string{}}
	_, js := teststack.Connect(t, b.n.URL)
	up, err := uploader.New(uploader.Deps{JS: js, Staging: b.staging, Store: primary, Keys: b.keys}, uploader.Config{Layout: b.layout, Worker: quiet(),
		SSEKMSKeyID: "arn:aws:kms:sa-east-1:1:key/primary", Copies: []uploader.Copy{
			{Name: "plain", Store: plain}, {Name: "dr", Store: dr, SSEKMSKeyID: "arn:aws:kms:us-east-1:1:key/dr"}}})
	require.NoError(t, err)
	teststack.Background(t, "uploader", up.Run)

	a := b.stageArtifact(t, "casa-1", 1, 1<<20) // one part: fsstore refuses multipart parts under 5 MiB
	b.publish(t, a)
	m := b.waitForManifest(t, primary, a)
	b.waitForManifest(t, plain, a)
	b.waitForManifest(t, dr, a)
	manifest := b.layout.Manifest("tenant", a.tenant, a.backupID)

	require.Equal(t, "arn:aws:kms:sa-east-1:1:key/primary", primary.written()[m.Object.Key], "the primary's object under its key")
	require.Equal(t, "arn:aws:kms:sa-east-1:1:key/primary", primary.written()[manifest])
	got := plain.written()
	require.Contains(t, got, m.Object.Key)
	require.Empty(t, got[m.Object.Key], "a copy to a destination without a KMS key of its own carries no SSE-KMS key")
	require.Empty(t, got[manifest], "nor does its manifest")
	got = dr.written()
	require.Equal(t, "arn:aws:kms:us-east-1:1:key/dr", got[m.Object.Key], "a copy under its destination's own key")
	require.Equal(t, "arn:aws:kms:us-east-1:1:key/dr", got[manifest])
}
