package jobs_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/jobs"
	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/pkg/teststack"
)

// TestMain lets the test binary double as a worker process that a test can
// kill with SIGKILL.
func TestMain(m *testing.M) {
	if url := os.Getenv("ARCA_JOBS_CHILD_URL"); url != "" {
		crashingWorker(url, os.Getenv("ARCA_JOBS_CHILD_MARKER"))
		return
	}
	os.Exit(m.Run())
}

// crashingWorker publishes the next stage, says so through the marker file,
// and hangs until it is killed: the worst moment to die, between "publish
// next" and "ack this".
func crashingWorker(url, marker string) {
	nc, err := nats.Connect(url)
	if err != nil {
		panic(err)
	}
	js, err := jetstream.New(nc)
	if err != nil {
		panic(err)
	}
	cfg := quietConfig()
	cfg.AckWait = time.Second
	_ = jobs.NewWorker(js, exportStage, func(ctx context.Context, j *jobs.Job[messages.ExportRequested]) error {
		next := nextPart(j.Msg.BackupID)
		if err := j.Publisher.Publish(ctx, messages.EncryptSubject(next.BackupID, 0), next, messages.PartReadyMsgID(next.BackupID, 0)); err != nil {
			panic(err)
		}
		if err := os.WriteFile(marker, []byte("published"), 0o600); err != nil {
			panic(err)
		}
		select {}
	}, cfg).Run(context.Background())
}

func TestWorkerKilledMidJobIsRedeliveredAndTheNextStageSeesItOnce(t *testing.T) {
	t.Parallel()
	n := teststack.NewNATS(t)
	require.NoError(t, jobs.EnsureStreams(t.Context(), n.JS, jobs.StreamOptions{}))
	pub := jobs.NewPublisher(n.JS)

	marker := filepath.Join(t.TempDir(), "marker")
	child := exec.Command(os.Args[0], "-test.run=^$")
	child.Env = append(os.Environ(), "ARCA_JOBS_CHILD_URL="+n.URL, "ARCA_JOBS_CHILD_MARKER="+marker)
	require.NoError(t, child.Start())
	job := publishExport(t, pub, "crash")
	teststack.Eventually(t, 30*time.Second, func() bool { _, err := os.Stat(marker); return err == nil }, "child mid-job")
	require.NoError(t, child.Process.Kill()) // SIGKILL
	_ = child.Wait()

	cfg := quietConfig()
	cfg.AckWait = time.Second // the consumer's AckWait: the killed delivery comes back after it
	exports := newCounter()
	var delivered atomic.Uint64
	run(t, n.JS, exportStage, cfg, func(ctx context.Context, j *jobs.Job[messages.ExportRequested]) error {
		exports.hit(j.Msg.BackupID)
		delivered.Store(j.Delivered)
		next := nextPart(j.Msg.BackupID)
		return j.Publisher.Publish(ctx, messages.EncryptSubject(next.BackupID, 0), next, messages.PartReadyMsgID(next.BackupID, 0))
	})
	encrypts := newCounter()
	run(t, n.JS, encryptStage, cfg, func(ctx context.Context, j *jobs.Job[messages.PartReady]) error {
		encrypts.hit(j.Msg.BackupID)
		return nil
	})
	teststack.Eventually(t, 30*time.Second, func() bool { return exports.get(job.BackupID) >= 1 }, "redelivered export")
	teststack.Eventually(t, 30*time.Second, func() bool { return jobsLeft(t, n.JS) == 0 }, "every job acked")
	require.Equal(t, 1, encrypts.get(job.BackupID), "the next stage received the job exactly once")
	require.GreaterOrEqual(t, delivered.Load(), uint64(2), "the killed delivery was the first")
}
