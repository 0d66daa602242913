package jobs_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/jobs"
	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/pkg/teststack"
)

// Each outcome settles its message as documented: nil acks, Permanent
// terminates (never delivered again), RetryAfter and a plain error deliver
// it again; cancelling the context ends Consume with nil.
func TestConsumeSettlesEachOutcome(t *testing.T) {
	t.Parallel()
	n := teststack.NewNATS(t)
	ctx := t.Context()
	_, err := n.JS.CreateStream(ctx, jetstream.StreamConfig{Name: "FACTS", Subjects: []string{"facts.>"}})
	require.NoError(t, err)
	for _, s := range []string{"ok", "permanent", "retry", "after"} {
		_, err := n.JS.Publish(ctx, "facts."+s, []byte(s))
		require.NoError(t, err)
	}

	var mu sync.Mutex
	seen := map[string]int{}
	count := func(s string) int { mu.Lock(); defer mu.Unlock(); return seen[s] }
	h := func(_ context.Context, msg jetstream.Msg) error {
		mu.Lock()
		seen[string(msg.Data())]++
		n := seen[string(msg.Data())]
		mu.Unlock()
		switch string(msg.Data()) {
		case "permanent":
			return jobs.Permanent(errors.New("can never be read"))
		case "retry":
			if n == 1 {
				return errors.New("catalog down")
			}
		case "after":
			if n == 1 {
				return jobs.RetryAfter(10*time.Millisecond, errors.New("not yet"))
			}
		}
		return nil
	}
	cctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- jobs.Consume(cctx, n.JS, jobs.ConsumeOptions{Stream: "FACTS", Durable: "reader", Filter: "facts.>",
			Retry: 10 * time.Millisecond, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}, h)
	}()
	t.Cleanup(cancel)

	teststack.Eventually(t, 2*time.Minute, func() bool {
		return count("ok") == 1 && count("permanent") == 1 && count("retry") == 2 && count("after") == 2
	}, "every message settled")
	// Nothing is left to deliver: every message was acked or terminated.
	cons, err := n.JS.Consumer(ctx, "FACTS", "reader")
	require.NoError(t, err)
	teststack.Eventually(t, time.Minute, func() bool {
		info, err := cons.Info(ctx)
		return err == nil && info.NumAckPending == 0 && info.NumPending == 0 && info.NumRedelivered == 0
	}, "no message pending")
	require.Equal(t, 1, count("permanent"), "a permanent failure is never delivered again")

	cancel()
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(teststack.MinWait):
		t.Fatal("Consume did not return after cancellation")
	}
}

// A consumer that follows outcomes (messages.OutcomeEventFilters) is never
// handed a part's progress event: the server filters them out. An existing
// consumer with one filter is moved to the several.
func TestConsumeWithOutcomeFiltersSkipsProgressEvents(t *testing.T) {
	t.Parallel()
	n := teststack.NewNATS(t)
	ctx := t.Context()
	_, err := n.JS.CreateStream(ctx, jetstream.StreamConfig{Name: messages.StreamEvents, Subjects: []string{messages.SubjectEvents}})
	require.NoError(t, err)
	_, err = n.JS.CreateOrUpdateConsumer(ctx, messages.StreamEvents, jetstream.ConsumerConfig{Durable: "outcomes", FilterSubject: messages.SubjectEvents})
	require.NoError(t, err)
	part := 0
	for _, e := range []messages.Event{
		{Tenant: "t", BackupID: "b", Stage: messages.StageExport, Status: messages.StatusStarted},
		{Tenant: "t", BackupID: "b", Stage: messages.StageExport, Status: messages.StatusProgress, Part: &part},
		{Tenant: "t", BackupID: "b", Stage: messages.StageVerify, Status: messages.StatusSucceeded},
	} {
		_, err := n.JS.Publish(ctx, e.Subject(), []byte(e.Status))
		require.NoError(t, err)
	}
	got := make(chan string, 8)
	cctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	go func() {
		_ = jobs.Consume(cctx, n.JS, jobs.ConsumeOptions{Stream: messages.StreamEvents, Durable: "outcomes", Filters: messages.OutcomeEventFilters(),
			Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}, func(_ context.Context, msg jetstream.Msg) error {
			got <- string(msg.Data())
			return nil
		})
	}()
	for _, want := range []string{"started", "succeeded"} {
		select {
		case s := <-got:
			require.Equal(t, want, s)
		case <-time.After(teststack.MinWait):
			t.Fatalf("no %s event", want)
		}
	}
	teststack.Eventually(t, 10*time.Second, func() bool {
		info, err := n.JS.Consumer(ctx, messages.StreamEvents, "outcomes")
		require.NoError(t, err)
		ci, err := info.Info(ctx)
		require.NoError(t, err)
		return ci.NumAckPending == 0 && ci.NumPending == 0
	}, "nothing pending")
	require.Empty(t, got, "the progress event was not delivered")
}
