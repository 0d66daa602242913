package s3store

import "sync/atomic"

// Observer is told about retries and throttling, for metrics; the lead wires
// it to OpenTelemetry counters. Methods are called concurrently and must not
// block.
type Observer interface {
	// Retry: attempt (1-based) of operation op failed with err and is
	// being retried.
	Retry(op string, attempt int, err error)
	// Throttled: the server answered op with 503 SlowDown or 429.
	Throttled(op string)
}

// Counter is an Observer that counts.
type Counter struct {
	retries, throttles atomic.Int64
}

// Retry implements Observer.
func (c *Counter) Retry(string, int, error) { c.retries.Add(1) }

// Throttled implements Observer.
func (c *Counter) Throttled(string) { c.throttles.Add(1) }

// Retries is the number of retried attempts so far.
func (c *Counter) Retries() int64 { return c.retries.Load() }

// Throttles is the number of throttle answers so far.
func (c *Counter) Throttles() int64 { return c.throttles.Load() }

type nopObserver struct{}

func (nopObserver) Retry(string, int, error) {}
func (nopObserver) Throttled(string)         {}
