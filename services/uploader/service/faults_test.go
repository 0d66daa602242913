package service_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/objstore/faultproxy"
	"github.com/arcabackup/arca/pkg/objstore/s3store"
	"github.com/arcabackup/arca/pkg/teststack"
)

// Two uploader replicas write a backup through a proxy that answers 503
// SlowDown, 500, resets connections and delays responses: the backup still
// completes, whole and matching its manifest, and the retries are counted
// by the store's observer (the hook the metrics read).
func TestBackupCompletesThroughS3Faults(t *testing.T) {
	t.Parallel()
	b := setup(t)
	gw := teststack.NewVersityGW(t)
	bucket := gw.NewBucket(t, false)
	proxy, err := faultproxy.Start(faultproxy.Config{
		Target: gw.Endpoint,
		Delay:  50 * time.Millisecond,
		Decide: faultproxy.First(
			faultproxy.Script(faultproxy.IsUploadPart, faultproxy.SlowDown, faultproxy.Reset, faultproxy.InternalError, faultproxy.Delay),
			faultproxy.Random(7, map[faultproxy.Fault]float64{
				faultproxy.SlowDown: 0.10, faultproxy.InternalError: 0.08, faultproxy.Reset: 0.05, faultproxy.Delay: 0.10,
			}),
		),
	})
	require.NoError(t, err)
	t.Cleanup(func() { proxy.Close() })

	var counter s3store.Counter
	store, err := s3store.New(t.Context(), s3store.Config{
		Endpoint: proxy.URL, Region: gw.Region, Bucket: bucket, PathStyle: true,
		AccessKey: gw.AccessKey, SecretKey: gw.SecretKey, Observer: &counter, MaxAttempts: 20, MaxBackoff: 200 * time.Millisecond,
	})
	require.NoError(t, err)
	b.startUploader(t, store)
	b.startUploader(t, store)

	a := b.stageArtifact(t, "faulty", 6, 5<<20)
	b.publish(t, a)
	m := b.waitForManifest(t, store, a)
	_, sealedSHA, plainSHA := b.objectSHA(t, store, m.Object.Key, a.id)
	require.Equal(t, a.sealedSHA, sealedSHA)
	require.Equal(t, m.Object.SHA256, sealedSHA)
	require.Equal(t, a.plainSHA, plainSHA)
	require.Zero(t, noUploadsLeft(t, store))

	injected := 0
	for f, n := range proxy.Injected() {
		if f != faultproxy.Delay && f != faultproxy.None {
			injected += n
		}
	}
	require.Positive(t, injected)
	require.Positive(t, counter.Retries(), "retries are counted (%d faults injected)", injected)
	t.Logf("faults injected %v; retries counted %d, throttles %d", proxy.Injected(), counter.Retries(), counter.Throttles())
}
