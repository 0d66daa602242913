package service_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/klauspost/compress/zstd"
	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/archive"
	"github.com/arcabackup/arca/pkg/jobs"
	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/pkg/staging"
	"github.com/arcabackup/arca/pkg/teststack"
	exporter "github.com/arcabackup/arca/services/exporter/service"
)

// A batch member streams its parts into staging (decision 47): a put that
// fails mid-part cannot be tried again, so it fails the member's job alone.
// The job comes back, is exported alone with its parts held, and ends with
// a whole artifact under its second attempt; the other member's first
// attempt completed. Nothing of the failed attempt is left in staging.
func TestABatchMemberWhosePartFailsIsExportedAgainAlone(t *testing.T) {
	t.Parallel()
	n := teststack.NewNATS(t)
	ctx := t.Context()
	require.NoError(t, jobs.EnsureStreams(ctx, n.JS, jobs.StreamOptions{}))
	faulty := &teststack.FailSecondMessage{JetStream: n.JS, Prefix: "$O." + staging.PlainBucket + ".C."}
	st, err := staging.Ensure(ctx, faulty, staging.Options{})
	require.NoError(t, err)

	db := teststack.NewFixtureDatabase(t)
	// beta's parts are several chunks each (barely compressible rows),
	// past what a streaming writer holds before it streams (1 MiB);
	// acme's archive is one small part.
	teststack.AddBulkRows(t, db.Pool, "beta", 12000)
	dir, err := teststack.PGBinDir(ctx)
	require.NoError(t, err)
	svc, err := exporter.New(exporter.Deps{JS: n.JS, Staging: st}, exporter.Config{
		SourceURL: db.URL, PGBinDir: dir, ToolVersion: "test", PartSize: 1280 << 10, MaxPartsWaiting: 1000,
		BatchSize: 2, BatchWait: time.Minute,
		Tenancy: fixtureTenancy,
		Worker: jobs.Config{MaxDeliver: 3, Backoff: jobs.Backoff{Initial: 10 * time.Millisecond},
			Logger: slog.New(slog.NewTextHandler(io.Discard, nil))},
	})
	require.NoError(t, err)
	rctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { _ = svc.Run(rctx) })
	t.Cleanup(func() { cancel(); wg.Wait() })

	pub := jobs.NewPublisher(n.JS)
	for _, tenant := range []string{"acme", "beta"} {
		job := messages.ExportRequested{V: messages.Version, Run: "r1", Tenant: tenant, Kind: messages.KindTenant,
			BackupID: "bk-" + tenant, RequestedAt: time.Now(), Batch: "b1", BatchSize: 2}
		require.NoError(t, pub.Publish(ctx, messages.ExportSubject(tenant), job, messages.ExportMsgID(job.BackupID)))
	}

	events, err := n.JS.Stream(ctx, messages.StreamEvents)
	require.NoError(t, err)
	event := func(tenant string, status messages.Status) (messages.Event, bool) {
		m, err := events.GetLastMsgForSubject(ctx, messages.EventSubject(tenant, "bk-"+tenant, messages.StageExport, status))
		if err != nil {
			return messages.Event{}, false
		}
		e, err := messages.Decode[messages.Event](m.Data)
		require.NoError(t, err)
		return e, true
	}
	for _, tenant := range []string{"acme", "beta"} {
		teststack.Eventually(t, teststack.MinWait, func() bool {
			_, ok := event(tenant, messages.StatusSucceeded)
			return ok
		}, tenant+" exported")
	}
	require.True(t, faulty.Failed())
	acme, _ := event("acme", messages.StatusSucceeded)
	require.Equal(t, 1, acme.Attempt, "acme's first attempt, in the batch, completed")
	beta, _ := event("beta", messages.StatusSucceeded)
	require.Equal(t, 2, beta.Attempt, "beta's first attempt failed; its second, alone, completed")
	retry, ok := event("beta", messages.StatusRetrying)
	require.True(t, ok)
	require.Contains(t, retry.Error, "streamed (not retried)")

	// The second attempt's parts make beta's whole archive.
	artifact := messages.ArtifactID("bk-beta", 2)
	require.Equal(t, artifact, beta.Attrs["artifact"])
	jobsStream, err := n.JS.Stream(ctx, messages.StreamJobs)
	require.NoError(t, err)
	dec, err := zstd.NewReader(nil)
	require.NoError(t, err)
	defer dec.Close()
	var plain bytes.Buffer
	for i := 0; ; i++ {
		m, err := jobsStream.GetLastMsgForSubject(ctx, messages.EncryptSubject(artifact, i))
		require.NoError(t, err, "part %d announced", i)
		ready, err := messages.Decode[messages.PartReady](m.Data)
		require.NoError(t, err)
		rc, _, err := st.Get(ctx, ready.StagingKey)
		require.NoError(t, err)
		frame, err := io.ReadAll(rc)
		require.NoError(t, err)
		require.NoError(t, rc.Close())
		part, err := dec.DecodeAll(frame, nil)
		require.NoError(t, err)
		require.Equal(t, ready.PlainSize, int64(len(part)))
		plain.Write(part)
		if ready.Last {
			require.Greater(t, i, 1, "beta's archive is several parts")
			break
		}
	}
	r := archive.NewReader(&plain)
	for {
		e, err := r.Next()
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
		_, err = io.Copy(io.Discard, e)
		require.NoError(t, err)
	}
	_, ok = r.Manifest()
	require.True(t, ok, "the archive ends with its manifest, every file checked")

	names, err := st.List(ctx)
	require.NoError(t, err)
	for _, name := range names {
		require.False(t, strings.HasPrefix(name, messages.ArtifactID("bk-beta", 1)+"/"), "the failed attempt left %s", name)
	}
}
