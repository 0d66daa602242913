package telemetry_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/jobs"
	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/pkg/telemetry"
	"github.com/arcabackup/arca/pkg/teststack"
)

func TestQueueDepthComesFromTheStageConsumers(t *testing.T) {
	t.Parallel()
	b := setup(t)
	n := teststack.NewNATS(t)
	ctx := t.Context()
	require.NoError(t, jobs.EnsureStreams(ctx, n.JS, jobs.StreamOptions{}))
	export := jobs.Stage{Name: messages.StageExport, Subject: messages.SubjectExport}
	_, err := n.JS.CreateOrUpdateConsumer(ctx, messages.StreamJobs, jobs.ConsumerConfig(export, jobs.Config{}))
	require.NoError(t, err)
	pub := jobs.NewPublisher(n.JS)
	for _, tenant := range []string{"a", "b"} {
		job := exportJob(tenant)
		require.NoError(t, pub.Publish(ctx, messages.ExportSubject(tenant), job, messages.ExportMsgID(job.BackupID)))
	}

	queues := telemetry.JetStreamQueues(n.JS, messages.StreamJobs, messages.StageExport, messages.StageEncrypt)
	// The consumer's pending count follows the stream a moment after the
	// publishes are acknowledged.
	want := map[string]telemetry.QueueDepth{messages.StageExport: {Pending: 2}} // encrypt has no consumer: left out
	var depths map[string]telemetry.QueueDepth
	teststack.Eventually(t, 30*time.Second, func() bool {
		var err error
		depths, err = queues(ctx)
		require.NoError(t, err)
		return reflect.DeepEqual(want, depths)
	}, "export's two jobs pending")

	stop, err := b.tel.Metrics.WatchQueues(queues)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, stop()) })
	require.Equal(t, 2.0, value(t, b.scrape(t), "arca_jobs_pending", map[string]string{"stage": "export"}))
}

// The copy jobs to further destinations wait in a queue of their own, and
// the queue-depth gauges report it with the pipeline's stages.
func TestQueueDepthIncludesTheCopyQueue(t *testing.T) {
	t.Parallel()
	b := setup(t)
	n := teststack.NewNATS(t)
	ctx := t.Context()
	require.NoError(t, jobs.EnsureStreams(ctx, n.JS, jobs.StreamOptions{}))
	require.Contains(t, messages.QueueStages, messages.StageCopy)
	copyStage := jobs.Stage{Name: messages.StageCopy, Subject: messages.SubjectCopy}
	_, err := n.JS.CreateOrUpdateConsumer(ctx, messages.StreamJobs, jobs.ConsumerConfig(copyStage, jobs.Config{}))
	require.NoError(t, err)
	req := messages.CopyRequested{V: messages.Version, Tenant: "a", Kind: messages.KindTenant, BackupID: "b1",
		ObjectKey: "p/tenants/a/b1/data.arca", ManifestKey: "p/tenants/a/b1/manifest.json", Size: 1,
		SHA256: "0000000000000000000000000000000000000000000000000000000000000000", Destination: "dr"}
	require.NoError(t, jobs.NewPublisher(n.JS).Publish(ctx, messages.CopySubject("b1", "dr"), req, messages.CopyMsgID("b1", "dr")))

	queues := telemetry.JetStreamQueues(n.JS, messages.StreamJobs, messages.QueueStages...)
	teststack.Eventually(t, 30*time.Second, func() bool {
		depths, err := queues(ctx)
		require.NoError(t, err)
		return depths[messages.StageCopy].Pending == 1
	}, "the copy job pending")
	stop, err := b.tel.Metrics.WatchQueues(queues)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, stop()) })
	require.Equal(t, 1.0, value(t, b.scrape(t), "arca_jobs_pending", map[string]string{"stage": "copy"}))
}
