package service_test

import (
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/pkg/objstore/faultproxy"
	"github.com/arcabackup/arca/pkg/objstore/s3store"
	"github.com/arcabackup/arca/pkg/teststack"
)

// A one-part artifact is committed with three S3 requests, as versitygw
// receives them: the object's PutObject (with its SHA-256), the HeadObject
// that confirms it and the manifest's PutObject. Before: five, a
// GetObjectTagging with the confirmation and a ListMultipartUploads after
// the commit.
func TestOnePartArtifactIsCommittedWithThreeS3Requests(t *testing.T) {
	t.Parallel()
	b := setup(t)
	gw := teststack.NewVersityGW(t)
	bucket := gw.NewBucket(t, false)
	var mu sync.Mutex
	var sent []string
	proxy, err := faultproxy.Start(faultproxy.Config{Target: gw.Endpoint, Decide: func(r *http.Request) faultproxy.Fault {
		what := r.Method + " " + r.URL.Path[strings.LastIndex(r.URL.Path, "/")+1:]
		q := r.URL.Query()
		q.Del("x-id") // the SDK's name of the operation
		for k := range q {
			what += "?" + k // tagging, uploads, uploadId...
		}
		mu.Lock()
		sent = append(sent, what)
		mu.Unlock()
		return faultproxy.None
	}})
	require.NoError(t, err)
	t.Cleanup(func() { _ = proxy.Close() })
	open := func(endpoint string) *s3store.Store {
		s, err := s3store.New(t.Context(), s3store.Config{Endpoint: endpoint, Region: gw.Region, Bucket: bucket, PathStyle: true,
			AccessKey: gw.AccessKey, SecretKey: gw.SecretKey})
		require.NoError(t, err)
		return s
	}
	b.startUploader(t, open(proxy.URL))

	a := b.stageArtifact(t, "requests", 1, 1<<20)
	b.publish(t, a)
	b.waitForManifest(t, open(gw.Endpoint), a) // read past the proxy
	teststack.Eventually(t, 60*time.Second, func() bool {
		return streamMsgs(t, b.n.JS, messages.StreamJobs, messages.Filter(messages.SubjectUpload)) == 0
	}, "the upload job done")
	mu.Lock()
	defer mu.Unlock()
	require.Equal(t, []string{"PUT data.arca", "HEAD data.arca", "PUT manifest.json"}, sent)
}
