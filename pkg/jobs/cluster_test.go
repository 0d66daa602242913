package jobs_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/jobs"
	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/pkg/teststack"
)

// Jobs flow through two stages of an R3 cluster while the leader of the JOBS
// stream is killed. Every job must reach the second stage and take effect
// exactly once: a delivery repeated because an ack was lost in the failover
// re-publishes under the same Nats-Msg-Id and is dropped.
func TestClusterLosingTheStreamLeaderLosesNoJobAndDuplicatesNone(t *testing.T) {
	t.Parallel()
	c := teststack.NewCluster(t)
	_, js := teststack.Connect(t, c.ClientURL())
	ctx := t.Context()
	require.NoError(t, jobs.EnsureStreams(ctx, js, jobs.StreamOptions{Replicas: 3}))
	teststack.Eventually(t, 30*time.Second, func() bool { return c.StreamLeader(messages.StreamJobs) >= 0 }, "JOBS leader")

	const total = 300
	cfg := quietConfig()
	cfg.Slots = 8
	cfg.AckWait = 3 * time.Second
	_, workerJS := teststack.Connect(t, c.ClientURL())
	exports := newCounter()
	run(t, workerJS, exportStage, cfg, func(ctx context.Context, j *jobs.Job[messages.ExportRequested]) error {
		exports.hit(j.Msg.BackupID)
		next := nextPart(j.Msg.BackupID)
		return j.Publisher.Publish(ctx, messages.EncryptSubject(next.BackupID, 0), next, messages.PartReadyMsgID(next.BackupID, 0))
	})
	encrypts := newCounter()
	run(t, workerJS, encryptStage, cfg, func(ctx context.Context, j *jobs.Job[messages.PartReady]) error {
		encrypts.hit(j.Msg.BackupID)
		// The stage's effect: one event per backup, under a deterministic id.
		return j.Publisher.Event(ctx, messages.Event{BackupID: j.Msg.BackupID, Kind: j.Msg.Kind, Stage: messages.StageEncrypt, Status: messages.StatusSucceeded})
	})

	pub := jobs.NewPublisher(js)
	publish := func(i int) {
		m := exportJob(fmt.Sprintf("tenant-%03d", i))
		// A publish during the failover may time out; repeating it under
		// the same id is safe.
		for attempt := 0; ; attempt++ {
			pctx, cancel := context.WithTimeout(ctx, 2*time.Second)
			err := pub.Publish(pctx, messages.ExportSubject(m.Tenant), m, messages.ExportMsgID(m.BackupID))
			cancel()
			if err == nil {
				return
			}
			require.Less(t, attempt, 30, "publish keeps failing: %v", err)
			time.Sleep(100 * time.Millisecond)
		}
	}
	for i := range total / 3 {
		publish(i)
	}
	teststack.Eventually(t, 30*time.Second, func() bool { return encrypts.distinct() >= total/6 }, "jobs flowing")
	leader := c.StreamLeader(messages.StreamJobs)
	require.GreaterOrEqual(t, leader, 0)
	c.Kill(leader)
	for i := total / 3; i < total; i++ {
		publish(i)
	}

	teststack.Eventually(t, 90*time.Second, func() bool { return encrypts.distinct() == total }, "every job through both stages")
	teststack.Eventually(t, 30*time.Second, func() bool { return jobsLeft(t, js) == 0 }, "every job acked")
	require.Empty(t, streamMsgs(t, js, messages.StreamDLQ, messages.SubjectDLQ), "no job dead-lettered")

	dupExports, dupEncrypts := 0, 0
	for i := range total {
		id := exportJob(fmt.Sprintf("tenant-%03d", i)).BackupID
		dupExports += exports.get(id) - 1
		dupEncrypts += encrypts.get(id) - 1
	}
	t.Logf("redeliveries absorbed: %d exports re-run after the failover; %d encrypt jobs seen twice", dupExports, dupEncrypts)
	effects := streamMsgs(t, js, messages.StreamEvents, "events.*.*.encrypt.succeeded")
	require.Len(t, effects, total, "every job's effect recorded exactly once")
	// Delivery is at-least-once: the completion ledger absorbs redeliveries
	// after lost acks. The repeats left were traced to the server itself: a
	// ledger record acknowledged by the R3 stream before the leader was
	// killed was gone six seconds later (the kind of acknowledged-write loss
	// Jepsen reported for NATS 2.12.1). They must stay rare; effects, keyed
	// by Nats-Msg-Id, are exactly once above.
	require.LessOrEqual(t, dupEncrypts, total/20, "handlers repeated")
}
