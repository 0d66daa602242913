package service

import (
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/jobs"
	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/pkg/teststack"
)

// bundle is what a coordinator test needs: NATS, a source database with a
// tenants table, and a catalog database.
type bundle struct {
	nats    *teststack.NATS
	source  *teststack.Database
	catalog *teststack.Database
	pub     *jobs.Publisher
}

func setup(t *testing.T, tenants ...string) *bundle {
	t.Helper()
	b := &bundle{nats: teststack.NewNATS(t), source: teststack.NewDatabase(t), catalog: teststack.NewDatabase(t)}
	b.pub = jobs.NewPublisher(b.nats.JS)
	_, err := b.source.Pool.Exec(t.Context(), `CREATE TABLE public.tenants (id text PRIMARY KEY)`)
	require.NoError(t, err)
	for _, id := range tenants {
		b.addTenant(t, id)
	}
	return b
}

func (b *bundle) addTenant(t *testing.T, id string) {
	_, err := b.source.Pool.Exec(t.Context(), `INSERT INTO public.tenants (id) VALUES ($1)`, id)
	require.NoError(t, err)
}

func (b *bundle) removeTenant(t *testing.T, id string) {
	_, err := b.source.Pool.Exec(t.Context(), `DELETE FROM public.tenants WHERE id = $1`, id)
	require.NoError(t, err)
}

func testConfig() Config {
	return Config{FireAckWait: 2 * time.Second, Retry: 200 * time.Millisecond, Logger: slog.New(slog.DiscardHandler)}
}

// start runs a coordinator until the test ends (or stop is called).
func (b *bundle) start(t *testing.T, js jetstream.JetStream, cfg Config) (c *Service, stop func()) {
	return b.startWith(t, js, cfg, nil)
}

// startWith lets prepare change the coordinator before it runs.
func (b *bundle) startWith(t *testing.T, js jetstream.JetStream, cfg Config, prepare func(*Service)) (c *Service, stop func()) {
	t.Helper()
	c, err := New(Deps{JS: js, Catalog: b.catalog.Pool, Source: b.source.Pool}, cfg)
	require.NoError(t, err)
	if prepare != nil {
		prepare(c)
	}
	return c, teststack.Background(t, "coordinator", c.Run)
}

// newCoordinator builds one without running it (manual runs, queries).
func (b *bundle) newCoordinator(t *testing.T, cfg Config) *Service {
	t.Helper()
	c, err := New(Deps{JS: b.nats.JS, Catalog: b.catalog.Pool, Source: b.source.Pool}, cfg)
	require.NoError(t, err)
	return c
}

// exportJobs reads every ExportRequested stored in JOBS (nobody consumes
// them in these tests).
func exportJobs(t *testing.T, js jetstream.JetStream) []messages.ExportRequested {
	t.Helper()
	ctx := t.Context()
	s, err := js.Stream(ctx, messages.StreamJobs)
	if errors.Is(err, jetstream.ErrStreamNotFound) {
		return nil
	}
	require.NoError(t, err)
	info, err := s.Info(ctx)
	require.NoError(t, err)
	var out []messages.ExportRequested
	for seq := info.State.FirstSeq; info.State.Msgs > 0 && seq <= info.State.LastSeq; seq++ {
		m, err := s.GetMsg(ctx, seq)
		if errors.Is(err, jetstream.ErrMsgNotFound) {
			continue
		}
		require.NoError(t, err)
		if !strings.HasPrefix(m.Subject, messages.SubjectExport+".") {
			continue
		}
		e, err := messages.Decode[messages.ExportRequested](m.Data)
		require.NoError(t, err)
		out = append(out, e)
	}
	return out
}

// perRun counts export jobs by run and tenant.
func perRun(list []messages.ExportRequested) map[string]map[string]int {
	out := map[string]map[string]int{}
	for _, e := range list {
		if out[e.Run] == nil {
			out[e.Run] = map[string]int{}
		}
		out[e.Run][e.Tenant]++
	}
	return out
}

// complete plays the pipeline for a job: export started, committed,
// verified, as the stages would publish them.
func (b *bundle) complete(t *testing.T, e messages.ExportRequested, verified bool) {
	t.Helper()
	ctx := t.Context()
	ev := func(stage string, s messages.Status) messages.Event {
		return messages.Event{Tenant: e.Tenant, Kind: e.Kind, BackupID: e.BackupID, Run: e.Run, Stage: stage, Status: s, Attempt: 1}
	}
	require.NoError(t, b.pub.Event(ctx, ev(messages.StageExport, messages.StatusStarted)))
	commit := ev(messages.StageUpload, messages.StatusSucceeded)
	commit.Bytes = 1234
	commit.Attrs = map[string]string{"object": "o/" + e.BackupID, "manifest": "m/" + e.BackupID, "parts": "1", "plain_bytes": "4321"}
	require.NoError(t, b.pub.Event(ctx, commit))
	status := messages.StatusSucceeded
	if !verified {
		status = messages.StatusFailed
	}
	require.NoError(t, b.pub.Event(ctx, ev(messages.StageVerify, status)))
}
