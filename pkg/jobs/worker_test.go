package jobs_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/jobs"
	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/pkg/teststack"
)

func TestFailingTwiceThenSucceedingRetriesWithGrowingDelays(t *testing.T) {
	t.Parallel()
	b := setup(t)
	calls := newCounter()
	done := make(chan struct{})
	run(t, b.js, exportStage, quietConfig(), func(ctx context.Context, j *jobs.Job[messages.ExportRequested]) error {
		if calls.hit(j.Msg.Tenant) <= 2 {
			return errBoom
		}
		close(done)
		return nil
	})
	publishExport(t, b.pub, "t1")
	select {
	case <-done:
	case <-time.After(teststack.MinWait):
		t.Fatal("job never succeeded")
	}
	at := calls.times("t1")
	require.Len(t, at, 3)
	first, second := at[1].Sub(at[0]), at[2].Sub(at[1])
	require.GreaterOrEqual(t, first, 90*time.Millisecond, "first retry waits about Initial")
	require.Greater(t, second, first, "the second retry waits longer than the first")
	teststack.Eventually(t, 10*time.Second, func() bool { return jobsLeft(t, b.js) == 0 }, "job acked")
	require.Empty(t, streamMsgs(t, b.js, messages.StreamDLQ, messages.SubjectDLQ))
	retrying := streamMsgs(t, b.js, messages.StreamEvents, "events.*.*.export.retrying")
	require.Len(t, retrying, 2)
}

func TestAlwaysFailingJobIsDeadLetteredWithReasonAndEvent(t *testing.T) {
	t.Parallel()
	b := setup(t)
	calls := newCounter()
	run(t, b.js, exportStage, quietConfig(), func(ctx context.Context, j *jobs.Job[messages.ExportRequested]) error {
		calls.hit(j.Msg.Tenant)
		return errBoom
	})
	job := publishExport(t, b.pub, "always-fails")

	var dlq []byte
	teststack.Eventually(t, 20*time.Second, func() bool {
		msgs := streamMsgs(t, b.js, messages.StreamDLQ, messages.DLQSubject(messages.StageExport))
		if len(msgs) == 1 {
			dlq = msgs[0].Data()
		}
		return len(msgs) == 1
	}, "dead letter")
	dl, err := messages.Decode[messages.DeadLetter](dlq)
	require.NoError(t, err)
	require.Equal(t, 4, calls.get("always-fails"), "MaxDeliver attempts, then no more")
	require.Contains(t, dl.Reason, "failed 4 times")
	require.Contains(t, dl.Reason, "boom")
	require.Equal(t, job.BackupID, dl.About.BackupID)
	var orig messages.ExportRequested
	require.NoError(t, json.Unmarshal(dl.Payload, &orig))
	require.Equal(t, job, orig, "the DLQ keeps the original payload")

	events := streamMsgs(t, b.js, messages.StreamEvents,
		messages.EventSubject("always-fails", job.BackupID, messages.StageExport, messages.StatusDeadLettered))
	require.Len(t, events, 1)
	teststack.Eventually(t, 10*time.Second, func() bool { return jobsLeft(t, b.js) == 0 }, "terminated job removed")
}

func TestPermanentErrorIsDeadLetteredAtOnce(t *testing.T) {
	t.Parallel()
	b := setup(t)
	calls := newCounter()
	run(t, b.js, exportStage, quietConfig(), func(ctx context.Context, j *jobs.Job[messages.ExportRequested]) error {
		calls.hit(j.Msg.Tenant)
		return jobs.Permanent(errBoom)
	})
	publishExport(t, b.pub, "no-such-tenant")
	teststack.Eventually(t, 20*time.Second, func() bool {
		return len(streamMsgs(t, b.js, messages.StreamDLQ, messages.SubjectDLQ)) == 1
	}, "dead letter")
	require.Equal(t, 1, calls.get("no-such-tenant"))
}

func TestGarbagePayloadIsDeadLetteredAndTheWorkerGoesOn(t *testing.T) {
	t.Parallel()
	b := setup(t)
	calls := newCounter()
	run(t, b.js, exportStage, quietConfig(), func(ctx context.Context, j *jobs.Job[messages.ExportRequested]) error {
		calls.hit(j.Msg.Tenant)
		return nil
	})
	ctx := t.Context()
	require.NoError(t, b.pub.PublishRaw(ctx, messages.ExportSubject("x"), []byte("\x00not json{"), "garbage-1"))
	require.NoError(t, b.pub.PublishRaw(ctx, messages.ExportSubject("y"), []byte(`{"v":99,"kind":"tenant"}`), "future-1"))
	publishExport(t, b.pub, "after-garbage")

	teststack.Eventually(t, 20*time.Second, func() bool { return calls.get("after-garbage") == 1 }, "next job handled")
	teststack.Eventually(t, 20*time.Second, func() bool {
		return len(streamMsgs(t, b.js, messages.StreamDLQ, messages.SubjectDLQ)) == 2
	}, "two dead letters")
	for _, m := range streamMsgs(t, b.js, messages.StreamDLQ, messages.SubjectDLQ) {
		dl, err := messages.Decode[messages.DeadLetter](m.Data())
		require.NoError(t, err)
		require.Contains(t, dl.Reason, "malformed message")
	}
	require.Equal(t, 1, calls.distinct())
}

func TestSameJobPublishedTwiceIsHandledOnce(t *testing.T) {
	t.Parallel()
	b := setup(t)
	calls := newCounter()
	cfg := quietConfig()
	cfg.Slots = 1
	run(t, b.js, exportStage, cfg, func(ctx context.Context, j *jobs.Job[messages.ExportRequested]) error {
		calls.hit(j.Msg.Tenant)
		return nil
	})
	publishExport(t, b.pub, "twice")
	publishExport(t, b.pub, "twice")
	publishExport(t, b.pub, "sentinel")
	teststack.Eventually(t, 20*time.Second, func() bool { return calls.get("sentinel") == 1 }, "sentinel handled")
	teststack.Eventually(t, 10*time.Second, func() bool { return jobsLeft(t, b.js) == 0 }, "all acked")
	require.Equal(t, 1, calls.get("twice"))
}

func TestShutdownLetsAShortJobFinish(t *testing.T) {
	t.Parallel()
	b := setup(t)
	started, release := make(chan struct{}), make(chan struct{})
	calls := newCounter()
	stop := run(t, b.js, exportStage, quietConfig(), func(ctx context.Context, j *jobs.Job[messages.ExportRequested]) error {
		calls.hit(j.Msg.Tenant)
		close(started)
		<-release
		return nil
	})
	publishExport(t, b.pub, "short")
	<-started
	stopped := make(chan struct{})
	go func() { stop(); close(stopped) }()
	time.AfterFunc(300*time.Millisecond, func() { close(release) })
	<-stopped
	require.Equal(t, uint64(0), jobsLeft(t, b.js), "the job finished and was acked during shutdown")
	require.Equal(t, 1, calls.get("short"))
}

func TestShutdownHandsBackAJobThatOutlivesTheGrace(t *testing.T) {
	t.Parallel()
	b := setup(t)
	cfg := quietConfig()
	cfg.ShutdownGrace = 200 * time.Millisecond
	// An AckWait far beyond the test's wait: a job that was not handed
	// back cannot come round again in time, however loaded the machine.
	cfg.AckWait = 10 * time.Minute
	started := make(chan struct{})
	stop := run(t, b.js, exportStage, cfg, func(ctx context.Context, j *jobs.Job[messages.ExportRequested]) error {
		close(started)
		<-ctx.Done() // a long job, cut short by shutdown
		return ctx.Err()
	})
	publishExport(t, b.pub, "long")
	<-started
	stop()

	// Another replica picks the job up at once (handed back, not waiting
	// for AckWait) and finishes it.
	done := make(chan time.Time, 1)
	begin := time.Now()
	run(t, b.js, exportStage, cfg, func(ctx context.Context, j *jobs.Job[messages.ExportRequested]) error {
		done <- time.Now()
		return nil
	})
	select {
	case at := <-done:
		require.Less(t, at.Sub(begin), cfg.AckWait, "handed back, not left to time out")
	case <-time.After(teststack.MinWait):
		t.Fatal("job lost after shutdown")
	}
	teststack.Eventually(t, 10*time.Second, func() bool { return jobsLeft(t, b.js) == 0 }, "acked")
	require.Empty(t, streamMsgs(t, b.js, messages.StreamDLQ, messages.SubjectDLQ))
}

func TestBackoffGrowsAndIsCapped(t *testing.T) {
	t.Parallel()
	b := jobs.Backoff{Initial: time.Second, Max: 10 * time.Second, Jitter: 0.2}
	for attempt, want := range map[uint64]time.Duration{1: time.Second, 2: 2 * time.Second, 3: 4 * time.Second, 9: 10 * time.Second} {
		for range 50 {
			d := b.Delay(attempt)
			require.LessOrEqual(t, d, want)
			require.GreaterOrEqual(t, d, want-want/5)
		}
	}
}
