package stack_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/cmd/arca/internal/config"
	"github.com/arcabackup/arca/cmd/arca/internal/stack"
	"github.com/arcabackup/arca/pkg/jobs"
	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/pkg/objstore/fsstore"
	"github.com/arcabackup/arca/pkg/seal/keyring/keyringtest"
	"github.com/arcabackup/arca/pkg/staging"
	"github.com/arcabackup/arca/pkg/teststack"
	coordinator "github.com/arcabackup/arca/services/coordinator/service"
)

// pipeline is every stage and a coordinator, observed by obs, over a
// fresh source database with the exporter's fixture, embedded NATS and a
// filesystem store.
type pipeline struct {
	coord  *coordinator.Service
	js     jetstream.JetStream
	source *pgxpool.Pool
	stop   func() // stops the stages and the coordinator
}

func startPipeline(t *testing.T, obs *stack.Observability) *pipeline {
	t.Helper()
	return startPipelineWith(t, obs, nil)
}

// startPipelineWith is startPipeline with staging reached through what
// stagingJS makes of the server's JetStream (a fault injector), when set.
func startPipelineWith(t *testing.T, obs *stack.Observability, stagingJS func(jetstream.JetStream) staging.ObjectStores) *pipeline {
	t.Helper()
	ctx := t.Context()
	db := teststack.NewFixtureDatabase(t)
	catalog := teststack.NewDatabase(t)
	nt := teststack.NewNATS(t)
	require.NoError(t, jobs.EnsureStreams(ctx, nt.JS, jobs.StreamOptions{}))
	var sjs staging.ObjectStores = nt.JS
	if stagingJS != nil {
		sjs = stagingJS(nt.JS)
	}
	st, err := staging.Ensure(ctx, sjs, staging.Options{})
	require.NoError(t, err)
	store, err := fsstore.New(t.TempDir())
	require.NoError(t, err)
	kr := keyringtest.New(t)

	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	cfg := config.Default()
	cfg.Source.URL = db.URL
	deps := stack.Deps{Cfg: cfg, Conn: &stack.Conn{NC: nt.Conn, JS: nt.JS, Staging: st}, Store: store, Keys: kr, Logger: quiet, Tool: "test", Obs: obs}
	wctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{}, 2)
	stages, err := deps.Named(stack.StageServices...)
	require.NoError(t, err)
	go func() { defer func() { done <- struct{}{} }(); _ = stack.Supervise(wctx, stages...) }()

	coord, err := coordinator.New(coordinator.Deps{JS: nt.JS, Catalog: catalog.Pool, Source: db.Pool}, coordinator.Config{Logger: quiet})
	require.NoError(t, err)
	go func() { defer func() { done <- struct{}{} }(); _ = coord.Run(wctx) }()
	var stopped bool
	stop := func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		<-done
		<-done
	}
	t.Cleanup(stop)
	return &pipeline{coord: coord, js: nt.JS, source: db.Pool, stop: stop}
}

// backup backs up one tenant and waits for its verification.
func (p *pipeline) backup(t *testing.T, tenant string) messages.Event {
	t.Helper()
	ctx := t.Context()
	events, err := p.js.OrderedConsumer(ctx, messages.StreamEvents, jetstream.OrderedConsumerConfig{FilterSubjects: []string{"events.*.*.verify.succeeded", "events.*.*.verify.failed"}})
	require.NoError(t, err)
	started, err := p.coord.BackupTenants(ctx, []string{tenant}, messages.KindTenant, "test")
	require.NoError(t, err)
	require.Len(t, started.Jobs, 1)
	msg, err := events.Next(jetstream.FetchMaxWait(60 * time.Second))
	require.NoError(t, err)
	e, err := messages.Decode[messages.Event](msg.Data())
	require.NoError(t, err)
	require.Equal(t, messages.StatusSucceeded, e.Status, e.Error)
	return e
}
