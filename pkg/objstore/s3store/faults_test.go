package s3store_test

import (
	"bytes"
	"crypto/sha256"
	"io"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/objstore"
	"github.com/arcabackup/arca/pkg/objstore/faultproxy"
	"github.com/arcabackup/arca/pkg/objstore/s3store"
	"github.com/arcabackup/arca/pkg/objstore/throttle"
)

// TestMultipartThroughFaults uploads an artifact's parts from four workers
// through a proxy that throttles, fails, resets and delays requests, and
// checks the object is whole and its SHA-256 right, and that the retries and
// throttles were counted and slowed the process.
func TestMultipartThroughFaults(t *testing.T) {
	direct := newSetup(t, false)
	proxy, err := faultproxy.Start(faultproxy.Config{
		Target: gw.Endpoint,
		Delay:  50 * time.Millisecond,
		Decide: faultproxy.First(
			// Every kind at least once, on the first part requests...
			faultproxy.Script(faultproxy.IsUploadPart, faultproxy.SlowDown, faultproxy.Reset, faultproxy.InternalError, faultproxy.TooMany, faultproxy.Delay),
			// ...then at random on any request.
			faultproxy.Random(42, map[faultproxy.Fault]float64{
				faultproxy.SlowDown: 0.10, faultproxy.InternalError: 0.08, faultproxy.Reset: 0.05, faultproxy.Delay: 0.10,
			}),
		),
	})
	require.NoError(t, err)
	t.Cleanup(func() { _ = proxy.Close() })

	var counter s3store.Counter
	limiter := throttle.New(throttle.Config{MinRate: 20})
	cfg := direct.cfg
	cfg.Endpoint, cfg.Observer, cfg.Limiter, cfg.MaxAttempts = proxy.URL, &counter, limiter, 20
	s := open(t, cfg)

	const nParts = 8
	parts := make([][]byte, nParts)
	whole := sha256.New()
	for i := range parts {
		n := objstore.MinPartSize
		if i == nParts-1 {
			n = 777_777
		}
		parts[i] = make([]byte, n)
		_, _ = rand.NewChaCha8([32]byte{byte(i)}).Read(parts[i]) // ChaCha8 never fails
		whole.Write(parts[i])
	}

	id, err := s.CreateMultipart(t.Context(), "tenants/t/b/data.arca")
	require.NoError(t, err)
	recorded := make([]objstore.Part, nParts)
	var wg sync.WaitGroup
	jobs := make(chan int)
	for range 4 {
		wg.Go(func() {
			for i := range jobs {
				p, err := s.UploadPart(t.Context(), "tenants/t/b/data.arca", id, i+1, bytes.NewReader(parts[i]), int64(len(parts[i])), nil)
				if err != nil {
					t.Errorf("part %d: %v", i+1, err)
					continue
				}
				recorded[i] = p
			}
		})
	}
	for _, i := range rand.Perm(nParts) {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	require.False(t, t.Failed())
	_, err = s.CompleteMultipart(t.Context(), "tenants/t/b/data.arca", id, recorded)
	require.NoError(t, err)

	// Read back around the proxy.
	rc, err := direct.store.Get(t.Context(), "tenants/t/b/data.arca", objstore.Range{})
	require.NoError(t, err)
	got := sha256.New()
	_, err = io.Copy(got, rc)
	require.NoError(t, err)
	_ = rc.Close()
	require.Equal(t, whole.Sum(nil), got.Sum(nil))
	require.Empty(t, collect(t, direct.store), "no upload left behind")

	injected := proxy.Injected()
	t.Logf("injected %v; retries %d, throttles %d, limiter cuts %d, rate %.0f/s",
		injected, counter.Retries(), counter.Throttles(), limiter.Cuts(), limiter.Rate())
	for _, f := range []faultproxy.Fault{faultproxy.SlowDown, faultproxy.TooMany, faultproxy.InternalError, faultproxy.Reset, faultproxy.Delay} {
		require.Positive(t, injected[f], "fault %s injected", f)
	}
	failures := injected[faultproxy.SlowDown] + injected[faultproxy.TooMany] + injected[faultproxy.InternalError] + injected[faultproxy.Reset]
	require.EqualValues(t, failures, counter.Retries(), "every injected failure was retried and counted")
	require.EqualValues(t, injected[faultproxy.SlowDown]+injected[faultproxy.TooMany], counter.Throttles())
	require.Positive(t, limiter.Cuts(), "throttles slowed the process")
}

func collect(t *testing.T, s objstore.Store) []objstore.Upload {
	var out []objstore.Upload
	for u, err := range s.ListMultipartUploads(t.Context(), "") {
		require.NoError(t, err)
		out = append(out, u)
	}
	return out
}
