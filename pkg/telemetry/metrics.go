package telemetry

import (
	"errors"
	"fmt"

	"go.opentelemetry.io/otel/metric"
)

// meterName is the instrumentation scope of Arca's instruments.
const meterName = "github.com/arcabackup/arca/pkg/telemetry"

// Metrics holds Arca's instruments. Every method is safe for concurrent use
// and returns at once. The Prometheus names are listed in names.go.
type Metrics struct {
	jobDuration metric.Float64Histogram
	inFlight    metric.Int64UpDownCounter
	deliveries  metric.Int64Counter
	retries     metric.Int64Counter
	failures    metric.Int64Counter
	deadLetters metric.Int64Counter
	stageBytes  metric.Int64Counter
	parts       metric.Int64Counter
	events      metric.Int64Counter
	s3Retries   metric.Int64Counter
	s3Throttles metric.Int64Counter
	meter       metric.Meter
	lastSuccess *timestamps
	lastDrill   *timestamps
	lastSize    *sizes
	pending     metric.Int64ObservableGauge
	unacked     metric.Int64ObservableGauge
}

// durationBuckets span a small part (tens of milliseconds) to a large
// export (an hour), in seconds.
var durationBuckets = []float64{0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600}

// NewMetrics creates the instruments on mp. A no-op provider gives
// instruments that record nothing.
func NewMetrics(mp metric.MeterProvider) (*Metrics, error) {
	m := &Metrics{
		meter:       mp.Meter(meterName),
		lastSuccess: newTimestamps(),
		lastDrill:   newTimestamps(),
		lastSize:    newSizes(),
	}
	var errs []error
	check := func(err error) { errs = append(errs, err) }
	var err error

	m.jobDuration, err = m.meter.Float64Histogram(nameJobDuration, metric.WithUnit("s"),
		metric.WithDescription("How long one delivery of a job took, by stage and outcome."),
		metric.WithExplicitBucketBoundaries(durationBuckets...))
	check(err)
	m.inFlight, err = m.meter.Int64UpDownCounter(nameJobsInFlight, metric.WithUnit("{job}"),
		metric.WithDescription("Jobs this process is handling now, by stage."))
	check(err)
	m.deliveries = m.counter(nameJobDeliveries, "{delivery}", "Deliveries of jobs, by stage.", check)
	m.retries = m.counter(nameJobRetries, "{delivery}",
		"Deliveries after the first (after a failure, a deferral, a crash or an AckWait timeout), by stage.", check)
	m.failures = m.counter(nameJobFailures, "{delivery}",
		"Deliveries that failed (retried or dead-lettered), by stage.", check)
	m.deadLetters = m.counter(nameDeadLetters, "{job}", "Jobs dead-lettered, by stage.", check)
	m.stageBytes = m.counter(nameStageBytes, "By", "Bytes a stage read (direction=in) or wrote (direction=out).", check)
	m.parts = m.counter(nameParts, "{part}", "Parts a stage finished.", check)
	m.events = m.counter(nameEvents, "{event}", "Backup events recorded, by stage, status and kind.", check)
	m.s3Retries = m.counter(nameS3Retries, "{attempt}", "S3 attempts that failed and were retried, by operation.", check)
	m.s3Throttles = m.counter(nameS3Throttles, "{response}", "S3 answers 503 SlowDown or 429, by operation.", check)

	check(m.observeTimestamps(nameLastSuccess,
		"Unix time of the newest successful backup (commit or verification), by tenant and kind.", m.lastSuccess))
	check(m.observeTimestamps(nameLastDrill,
		"Unix time of the newest successful restore drill, by tenant and kind.", m.lastDrill))
	check(m.observeSizes())
	check(m.queueInstruments())

	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("telemetry: instruments: %w", err)
	}
	m.zero()
	return m, nil
}

func (m *Metrics) counter(name, unit, desc string, check func(error)) metric.Int64Counter {
	c, err := m.meter.Int64Counter(name, metric.WithUnit(unit), metric.WithDescription(desc))
	check(err)
	return c
}
