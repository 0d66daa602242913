package jobs

import (
	"math/rand/v2"
	"time"
)

// Backoff is exponential backoff with jitter for redeliveries. JetStream's
// own consumer BackOff list applies only to ack time-outs and replaces
// AckWait, so the worker computes the delay itself and naks with it.
type Backoff struct {
	Initial time.Duration // delay after the first failure (default 1s)
	Max     time.Duration // cap (default 5m)
	// Jitter is the fraction of the delay drawn at random, so that a fleet
	// of workers failing together does not retry together (default 0.2).
	Jitter float64
}

func (b Backoff) withDefaults() Backoff {
	if b.Initial <= 0 {
		b.Initial = time.Second
	}
	if b.Max <= 0 {
		b.Max = 5 * time.Minute
	}
	if b.Jitter <= 0 || b.Jitter > 1 {
		b.Jitter = 0.2
	}
	return b
}

// Delay returns the delay before delivery attempt+1, for attempt ≥ 1:
// Initial·2^(attempt-1), capped at Max, of which a Jitter fraction is random.
func (b Backoff) Delay(attempt uint64) time.Duration {
	b = b.withDefaults()
	d := b.Initial
	for i := uint64(1); i < attempt && d < b.Max; i++ {
		d *= 2
	}
	if d > b.Max {
		d = b.Max
	}
	spread := time.Duration(float64(d) * b.Jitter)
	if spread <= 0 {
		return d
	}
	return d - spread + time.Duration(rand.Int64N(int64(spread)+1))
}
