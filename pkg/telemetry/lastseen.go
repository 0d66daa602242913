package telemetry

import (
	"context"
	"sync"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
)

// scope is what the per-tenant gauges are labelled with. Tenant is empty
// for whole-database kinds (full, base, wal).
type scope struct{ tenant, kind string }

func (s scope) attrs() metric.MeasurementOption {
	return metric.WithAttributeSet(attribute.NewSet(attribute.String(keyTenant, s.tenant), attribute.String(keyKind, s.kind)))
}

// timestamps remembers the newest time per scope, for a gauge.
type timestamps struct {
	mu sync.Mutex
	at map[scope]time.Time
}

func newTimestamps() *timestamps { return &timestamps{at: make(map[scope]time.Time)} }

// advance keeps t if it is newer than what the scope has.
func (ts *timestamps) advance(s scope, t time.Time) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if t.After(ts.at[s]) {
		ts.at[s] = t
	}
}

func (m *Metrics) observeTimestamps(name, desc string, ts *timestamps) error {
	_, err := m.meter.Float64ObservableGauge(name, metric.WithUnit("s"), metric.WithDescription(desc),
		metric.WithFloat64Callback(func(_ context.Context, o metric.Float64Observer) error {
			ts.mu.Lock()
			defer ts.mu.Unlock()
			for s, t := range ts.at {
				o.Observe(float64(t.UnixNano())/1e9, s.attrs())
			}
			return nil
		}))
	return err
}

// BackupSucceeded records a successful backup (commit or verification) of
// tenant's kind at t. Only a newer time moves the gauge, so seeding from the
// catalog at start-up and recording events in any order both work.
func (m *Metrics) BackupSucceeded(tenant, kind string, t time.Time) {
	m.lastSuccess.advance(scope{tenant, kind}, t)
}

// DrillSucceeded records a successful restore drill of tenant's kind at t.
func (m *Metrics) DrillSucceeded(tenant, kind string, t time.Time) {
	m.lastDrill.advance(scope{tenant, kind}, t)
}

// sizes remembers the size of the newest committed artifact per scope.
type sizes struct {
	mu sync.Mutex
	n  map[scope]int64
}

func newSizes() *sizes { return &sizes{n: make(map[scope]int64)} }

func (m *Metrics) observeSizes() error {
	_, err := m.meter.Int64ObservableGauge(nameLastSize, metric.WithUnit("By"),
		metric.WithDescription("Size of the newest committed artifact, by tenant and kind."),
		metric.WithInt64Callback(func(_ context.Context, o metric.Int64Observer) error {
			m.lastSize.mu.Lock()
			defer m.lastSize.mu.Unlock()
			for s, n := range m.lastSize.n {
				o.Observe(n, s.attrs())
			}
			return nil
		}))
	return err
}

// BackupCommitted records the size of a committed artifact of tenant's kind.
func (m *Metrics) BackupCommitted(tenant, kind string, bytes int64) {
	m.lastSize.mu.Lock()
	defer m.lastSize.mu.Unlock()
	m.lastSize.n[scope{tenant, kind}] = bytes
}
