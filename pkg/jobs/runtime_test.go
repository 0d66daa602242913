package jobs_test

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/jobs"
	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/pkg/teststack"
)

func TestPanickingHandlerFailsTheAttemptWithItsStackAndTheWorkerGoesOn(t *testing.T) {
	t.Parallel()
	b := setup(t)
	var logs teststack.LogBuffer
	cfg := quietConfig()
	cfg.Logger = slog.New(slog.NewTextHandler(&logs, nil))
	calls := newCounter()
	run(t, b.js, exportStage, cfg, func(ctx context.Context, j *jobs.Job[messages.ExportRequested]) error {
		if calls.hit(j.Msg.Tenant) == 1 && j.Msg.Tenant == "panics" {
			var m map[string]int
			m["nil map"]++ //nolint:staticcheck // SA5000 is the point: a real bug, assignment to a nil map
		}
		return nil
	})
	publishExport(t, b.pub, "panics")
	publishExport(t, b.pub, "other")
	teststack.Eventually(t, 30*time.Second, func() bool { return calls.get("panics") == 2 && calls.get("other") == 1 }, "retried after the panic; the worker serves on")
	teststack.Eventually(t, 10*time.Second, func() bool { return jobsLeft(t, b.js) == 0 }, "acked")
	require.Empty(t, streamMsgs(t, b.js, messages.StreamDLQ, messages.SubjectDLQ))
	retrying := streamMsgs(t, b.js, messages.StreamEvents, "events.*.*.export.retrying")
	require.Len(t, retrying, 1)
	require.Contains(t, string(retrying[0].Data()), "panicked")
	require.Contains(t, logs.String(), "handler panicked")
	require.Contains(t, logs.String(), "runtime_test.go", "the stack is in the log")
}

func TestHandlerWithoutProgressIsCancelledAtItsTimeout(t *testing.T) {
	t.Parallel()
	b := setup(t)
	cfg := quietConfig()
	cfg.Timeout = 300 * time.Millisecond
	calls := newCounter()
	run(t, b.js, exportStage, cfg, func(ctx context.Context, j *jobs.Job[messages.ExportRequested]) error {
		if calls.hit(j.Msg.Tenant) == 1 {
			<-ctx.Done() // hung on something that honours its context
			return ctx.Err()
		}
		return nil
	})
	publishExport(t, b.pub, "hangs-once")
	teststack.Eventually(t, 30*time.Second, func() bool { return calls.get("hangs-once") == 2 }, "retried after the time-out")
	teststack.Eventually(t, 10*time.Second, func() bool { return jobsLeft(t, b.js) == 0 }, "acked")
	retrying := streamMsgs(t, b.js, messages.StreamEvents, "events.*.*.export.retrying")
	require.Len(t, retrying, 1)
	require.Contains(t, string(retrying[0].Data()), "no progress")
}

func TestHandlerIgnoringCancellationIsAbandonedAndDeadLettered(t *testing.T) {
	t.Parallel()
	b := setup(t)
	cfg := quietConfig()
	cfg.Timeout = 200 * time.Millisecond
	cfg.ShutdownGrace = 200 * time.Millisecond
	cfg.MaxDeliver = 2
	forever := make(chan struct{})
	t.Cleanup(func() { close(forever) })
	calls := newCounter()
	run(t, b.js, exportStage, cfg, func(ctx context.Context, j *jobs.Job[messages.ExportRequested]) error {
		calls.hit(j.Msg.Tenant)
		<-forever // hung for good: its heartbeat must not keep it alive
		return nil
	})
	publishExport(t, b.pub, "hung")
	teststack.Eventually(t, 30*time.Second, func() bool {
		return len(streamMsgs(t, b.js, messages.StreamDLQ, messages.SubjectDLQ)) == 1
	}, "dead letter")
	require.Equal(t, 2, calls.get("hung"))
	dl, err := messages.Decode[messages.DeadLetter](streamMsgs(t, b.js, messages.StreamDLQ, messages.SubjectDLQ)[0].Data())
	require.NoError(t, err)
	require.Contains(t, dl.Reason, "no progress")
}

func TestProgressKeepsASlowHandlerAlivePastItsTimeout(t *testing.T) {
	t.Parallel()
	b := setup(t)
	cfg := quietConfig()
	cfg.Timeout = time.Second
	calls := newCounter()
	run(t, b.js, exportStage, cfg, func(ctx context.Context, j *jobs.Job[messages.ExportRequested]) error {
		calls.hit(j.Msg.Tenant)
		for range 60 { // 3 s of work, progress every 50 ms
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(50 * time.Millisecond):
				j.Progress()
			}
		}
		return nil
	})
	publishExport(t, b.pub, "slow")
	teststack.Eventually(t, 30*time.Second, func() bool { return jobsLeft(t, b.js) == 0 }, "acked")
	require.Equal(t, 1, calls.get("slow"))
	require.Empty(t, streamMsgs(t, b.js, messages.StreamEvents, "events.*.*.export.retrying"))
}

func TestTimeoutsAloneDoNotExhaustDeliveries(t *testing.T) {
	t.Parallel()
	b := setup(t)
	cfg := quietConfig()
	cfg.MaxDeliver = 3
	calls := newCounter()
	run(t, b.js, exportStage, cfg, func(ctx context.Context, j *jobs.Job[messages.ExportRequested]) error {
		if calls.hit(j.Msg.Tenant) <= 6 {
			return fmt.Errorf("staging put %s: %w", j.Msg.BackupID, nats.ErrTimeout)
		}
		return nil
	})
	publishExport(t, b.pub, "loaded")
	teststack.Eventually(t, 60*time.Second, func() bool { return calls.get("loaded") == 7 }, "retried past MaxDeliver")
	teststack.Eventually(t, 10*time.Second, func() bool { return jobsLeft(t, b.js) == 0 }, "acked")
	require.Empty(t, streamMsgs(t, b.js, messages.StreamDLQ, messages.SubjectDLQ))
}

// A job whose completion is in the ledger is acked however many times it
// was delivered: before, the MaxDeliver check ran first and dead-lettered
// a job that had succeeded.
func TestCompletedJobPastMaxDeliverIsAckedNotDeadLettered(t *testing.T) {
	t.Parallel()
	b := setup(t)
	cfg := quietConfig()
	ctx := t.Context()
	publishExport(t, b.pub, "done-before")

	// Deliver it MaxDeliver+1 times without an answer, as crashed workers
	// whose acks were lost would.
	cons, err := b.js.CreateOrUpdateConsumer(ctx, messages.StreamJobs, jobs.ConsumerConfig(exportStage, cfg))
	require.NoError(t, err)
	var seq uint64
	for range cfg.MaxDeliver + 1 {
		batch, err := cons.Fetch(1, jetstream.FetchMaxWait(5*time.Second))
		require.NoError(t, err)
		n := 0
		for m := range batch.Messages() {
			meta, err := m.Metadata()
			require.NoError(t, err)
			seq = meta.Sequence.Stream
			require.NoError(t, m.Nak())
			n++
		}
		require.Equal(t, 1, n)
	}
	// The completion was recorded before the acks were lost.
	key := fmt.Sprintf("done.%s.%d", exportStage.Name, seq)
	_, err = b.js.PublishMsg(ctx, &nats.Msg{Subject: key}, jetstream.WithMsgID(key))
	require.NoError(t, err)

	calls := newCounter()
	run(t, b.js, exportStage, cfg, func(ctx context.Context, j *jobs.Job[messages.ExportRequested]) error {
		calls.hit(j.Msg.Tenant)
		return nil
	})
	teststack.Eventually(t, 20*time.Second, func() bool { return jobsLeft(t, b.js) == 0 }, "acked")
	require.Empty(t, streamMsgs(t, b.js, messages.StreamDLQ, messages.SubjectDLQ), "no dead letter for a completed job")
	require.Zero(t, calls.get("done-before"), "not run again")
}

func TestPermanentErrorWrappedAnywhereIsFound(t *testing.T) {
	t.Parallel()
	err := fmt.Errorf("export t1: %w", jobs.Permanent(fmt.Errorf("tenant t1: %w", errBoom)))
	require.True(t, jobs.IsPermanent(err))
	var p *jobs.PermanentError
	require.ErrorAs(t, err, &p)
	require.ErrorIs(t, err, errBoom)
	require.False(t, jobs.IsPermanent(errBoom))
	require.True(t, jobs.IsSlowness(fmt.Errorf("put: %w", context.DeadlineExceeded)))
	require.False(t, jobs.IsSlowness(errBoom))
	require.True(t, strings.Contains(jobs.Permanent(errBoom).Error(), "boom"))
}
