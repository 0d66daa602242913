package telemetry

import (
	"context"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
)

// Outcomes of one delivery, as the job runtime reports them to Finished.
const (
	OutcomeAcked        = "acked"         // the job is done (or the ledger said it already was)
	OutcomeRetry        = "retry"         // the handler failed; nak with backoff
	OutcomeDeferred     = "deferred"      // jobs.RetryAfter: nak with a delay, not a failure
	OutcomeDeadLettered = "dead_lettered" // given up: copied to the DLQ and terminated
	OutcomeHandedBack   = "handed_back"   // shutdown cancelled the handler; nak at once
)

// Delivered records that a worker of stage took delivery number attempt
// (1-based) of a job. With Finished it implements the observer the job
// runtime reports to (jobs.Config.Observer).
func (m *Metrics) Delivered(stage string, attempt uint64) {
	ctx := context.Background()
	set := metric.WithAttributeSet(attribute.NewSet(attribute.String(keyStage, stage)))
	m.deliveries.Add(ctx, 1, set)
	if attempt > 1 {
		m.retries.Add(ctx, 1, set)
	}
	m.inFlight.Add(ctx, 1, set)
}

// Finished records how a delivery that Delivered announced ended, and how
// long it took. It must be called once for every Delivered.
func (m *Metrics) Finished(stage, outcome string, d time.Duration) {
	ctx := context.Background()
	set := metric.WithAttributeSet(attribute.NewSet(attribute.String(keyStage, stage)))
	m.inFlight.Add(ctx, -1, set)
	m.jobDuration.Record(ctx, d.Seconds(), metric.WithAttributeSet(attribute.NewSet(
		attribute.String(keyStage, stage), attribute.String(keyOutcome, outcome))))
	switch outcome {
	case OutcomeRetry:
		m.failures.Add(ctx, 1, set)
	case OutcomeDeadLettered:
		m.failures.Add(ctx, 1, set)
		m.deadLetters.Add(ctx, 1, set)
	}
}
