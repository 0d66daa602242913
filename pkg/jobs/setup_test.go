package jobs_test

import (
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/jobs"
	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/pkg/teststack"
)

var (
	exportStage  = jobs.Stage{Name: messages.StageExport, Subject: messages.SubjectExport}
	encryptStage = jobs.Stage{Name: messages.StageEncrypt, Subject: messages.SubjectEncrypt}
)

type bundle struct {
	js  jetstream.JetStream
	pub *jobs.Publisher
}

func setup(t *testing.T) *bundle {
	t.Helper()
	n := teststack.NewNATS(t)
	require.NoError(t, jobs.EnsureStreams(t.Context(), n.JS, jobs.StreamOptions{}))
	return &bundle{js: n.JS, pub: jobs.NewPublisher(n.JS)}
}

func quietConfig() jobs.Config {
	return jobs.Config{
		Slots:         2,
		AckWait:       2 * time.Second,
		MaxDeliver:    4,
		Backoff:       jobs.Backoff{Initial: 100 * time.Millisecond, Max: time.Second, Jitter: 0.1},
		ShutdownGrace: 5 * time.Second,
		Logger:        slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
}

// run starts a worker and returns a function that stops it and waits.
func run[T messages.Message](t *testing.T, js jobs.JetStream, stage jobs.Stage, cfg jobs.Config, h jobs.Handler[T]) (stop func()) {
	t.Helper()
	return teststack.Background(t, "worker", jobs.NewWorker(js, stage, h, cfg).Run)
}

func exportJob(tenant string) messages.ExportRequested {
	at := time.Date(2026, 11, 28, 1, 0, 0, 0, time.UTC)
	return messages.ExportRequested{
		V: 1, Run: "run-1", Tenant: tenant, Kind: messages.KindTenant,
		BackupID: messages.BackupID(messages.KindTenant, "run-1", tenant, at), RequestedAt: at,
	}
}

func publishExport(t *testing.T, pub *jobs.Publisher, tenant string) messages.ExportRequested {
	t.Helper()
	m := exportJob(tenant)
	require.NoError(t, pub.Publish(t.Context(), messages.ExportSubject(tenant), m, messages.ExportMsgID(m.BackupID)))
	return m
}

func nextPart(backupID string) messages.PartReady {
	return messages.PartReady{
		V:            1,
		ArtifactPart: messages.ArtifactPart{Artifact: backupID + ".a1", Kind: messages.KindTenant, BackupID: backupID, Part: 0, Last: true},
		SHA256:       strings.Repeat("ab", 32), StagingKey: backupID + "/0.plain",
	}
}

// streamMsgs reads every message a stream holds on subjects matching filter.
// It reads until it has as many as the stream counts on those subjects: a
// FetchNoWait that comes back empty proves nothing on a loaded server. An
// earlier version stopped there; the 200 of 300 effects a loaded run
// reported are exactly two batches of 100. A real loss now shows as a
// stream count short of the total, a slow read as a longer wait.
func streamMsgs(t *testing.T, js jetstream.JetStream, stream, filter string) []jetstream.Msg {
	t.Helper()
	ctx := t.Context()
	s, err := js.Stream(ctx, stream)
	require.NoError(t, err)
	info, err := s.Info(ctx, jetstream.WithSubjectFilter(filter))
	require.NoError(t, err)
	want := 0
	for _, n := range info.State.Subjects {
		want += int(n)
	}
	c, err := s.OrderedConsumer(ctx, jetstream.OrderedConsumerConfig{FilterSubjects: []string{filter}})
	require.NoError(t, err)
	var out []jetstream.Msg
	deadline := time.Now().Add(time.Minute)
	for len(out) < want {
		require.True(t, time.Now().Before(deadline), "read %d of the %d messages on %s", len(out), want, filter)
		batch, err := c.Fetch(want-len(out), jetstream.FetchMaxWait(5*time.Second))
		require.NoError(t, err)
		for m := range batch.Messages() {
			out = append(out, m)
		}
	}
	return out
}

func jobsLeft(t *testing.T, js jetstream.JetStream) uint64 {
	t.Helper()
	s, err := js.Stream(t.Context(), messages.StreamJobs)
	require.NoError(t, err)
	info, err := s.Info(t.Context())
	require.NoError(t, err)
	return info.State.Msgs
}

type counter struct {
	mu sync.Mutex
	n  map[string]int
	at map[string][]time.Time
}

func newCounter() *counter { return &counter{n: map[string]int{}, at: map[string][]time.Time{}} }

func (c *counter) hit(k string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n[k]++
	c.at[k] = append(c.at[k], time.Now())
	return c.n[k]
}

func (c *counter) get(k string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n[k]
}

func (c *counter) times(k string) []time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Time(nil), c.at[k]...)
}

func (c *counter) distinct() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.n)
}

var errBoom = fmt.Errorf("boom")
