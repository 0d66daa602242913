package alerter_test

import (
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/jobs"
	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/pkg/teststack"
	"github.com/arcabackup/arca/services/alerter/internal/alert"
	"github.com/arcabackup/arca/services/alerter/internal/alerter"
	"github.com/arcabackup/arca/services/alerter/internal/outbox"
	"github.com/arcabackup/arca/services/alerter/internal/pdtest"
)

// Routing keys: 32 characters, one per severity, so tests see the routing.
var routingKeys = map[string]string{
	"PD_KEY_CRITICAL": "crit0000000000000000000000000001",
	"PD_KEY_HIGH":     "high0000000000000000000000000002",
	"PD_KEY_WARNING":  "warn0000000000000000000000000003",
}

const waitFor = 20 * time.Second

type bundle struct {
	nats  *teststack.NATS
	pd    *pdtest.Receiver
	pub   *jobs.Publisher
	logs  *teststack.LogBuffer
	clock *clock
	cfg   alerter.Config
	deps  alerter.Deps
	ob    *outbox.Outbox
}

func setup(t *testing.T) *bundle {
	t.Helper()
	n := teststack.NewNATS(t)
	ctx := t.Context()
	require.NoError(t, jobs.EnsureStreams(ctx, n.JS, jobs.StreamOptions{}))
	b := &bundle{nats: n, pd: pdtest.New(t), pub: jobs.NewPublisher(n.JS), logs: &teststack.LogBuffer{}, clock: &clock{t: time.Now().UTC()}}
	b.cfg = alerter.Config{
		PagerDuty: alerter.PagerDuty{
			Endpoint:                b.pd.URL(),
			RoutingKeyEnv:           "PD_KEY_CRITICAL",
			RoutingKeyEnvBySeverity: map[alert.Severity]string{alert.High: "PD_KEY_HIGH", alert.Warning: "PD_KEY_WARNING"},
			RetryMax:                1, RetryWaitMin: 5 * time.Millisecond, RetryWaitMax: 20 * time.Millisecond,
		},
		CheckInterval: 20 * time.Millisecond,
		RatePerSecond: 1000, Burst: 100,
		Gather:   20 * time.Millisecond,
		RetryMin: 20 * time.Millisecond, RetryMax: 100 * time.Millisecond,
	}
	b.deps = alerter.Deps{
		JS:     n.JS,
		Logger: slog.New(slog.NewTextHandler(b.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Now:    b.clock.Now,
		Getenv: func(k string) string { return routingKeys[k] },
	}
	ob, err := outbox.Open(ctx, n.JS, outbox.Options{})
	require.NoError(t, err)
	b.ob = ob
	t.Cleanup(func() {
		logs := b.logs.String()
		for _, key := range routingKeys {
			require.NotContains(t, logs, key, "a routing key reached the logs")
		}
	})
	return b
}

// start runs the alerter; the returned stop cancels it and waits for Run
// to return nil.
func (b *bundle) start(t *testing.T) (stop func()) {
	t.Helper()
	return teststack.Background(t, "alerter", func(ctx context.Context) error { return alerter.Run(ctx, b.deps, b.cfg) })
}

func (b *bundle) event(t *testing.T, e messages.Event) {
	t.Helper()
	if e.BackupID == "" {
		e.BackupID = messages.BackupID(e.Kind, e.Stage+string(e.Status)+e.Time.String(), e.Tenant, e.Time)
	}
	require.NoError(t, b.pub.Event(t.Context(), e))
}

func failed(tenant, stage string, at time.Time) messages.Event {
	return messages.Event{Tenant: tenant, Kind: messages.KindTenant, Stage: stage, Status: messages.StatusFailed, Error: "connection reset", Time: at}
}

func committed(tenant string, bytes int64, at time.Time) messages.Event {
	return messages.Event{Tenant: tenant, Kind: messages.KindTenant, Stage: messages.StageUpload, Status: messages.StatusSucceeded, Bytes: bytes, Time: at}
}

func key(c alert.Check, tenant string, kind messages.Kind) string {
	return alert.New(c, alert.Trigger, alert.Scope{Tenant: tenant, Kind: kind}).DedupKey()
}

// waitOpen waits until key's incident is open (or, with open false, closed).
func (b *bundle) waitOpen(t *testing.T, key string, open bool) pdtest.Incident {
	t.Helper()
	var in pdtest.Incident
	teststack.Eventually(t, waitFor, func() bool {
		var ok bool
		in, ok = b.pd.Incident(key)
		return ok && in.Open == open
	}, "incident "+key+" open="+map[bool]string{true: "true", false: "false"}[open])
	return in
}

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}
