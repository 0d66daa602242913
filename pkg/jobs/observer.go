package jobs

import "time"

// Observer is told what a worker does with each delivery, for metrics.
// Methods are called concurrently and must not block.
type Observer interface {
	// Delivered: a worker of stage took delivery number attempt (1-based).
	Delivered(stage string, attempt uint64)
	// Finished: that delivery ended with outcome after d; once per Delivered.
	Finished(stage, outcome string, d time.Duration)
}

// Outcomes of a delivery.
const (
	OutcomeAcked        = "acked"         // the handler succeeded, or the ledger said done
	OutcomeRetry        = "retry"         // handler error: nak with backoff
	OutcomeDeferred     = "deferred"      // RetryAfter
	OutcomeDeadLettered = "dead_lettered" // malformed, Permanent, or past MaxDeliver
	OutcomeHandedBack   = "handed_back"   // shutdown cancelled the handler
)

type nopObserver struct{}

func (nopObserver) Delivered(string, uint64)               {}
func (nopObserver) Finished(string, string, time.Duration) {}
