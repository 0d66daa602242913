package dispatch

import (
	"time"

	"golang.org/x/time/rate"
)

// Config tunes the dispatcher. Zero values take the defaults.
type Config struct {
	// StormThreshold is the storm policy's N (default 10).
	StormThreshold int
	// Rate and Burst bound requests to PagerDuty (default 2/s, burst 10;
	// PagerDuty accepts about 120 events a minute per integration).
	Rate  rate.Limit
	Burst int
	// Gather is how long to wait after a wake-up before planning, so that
	// a burst of alerts is planned at once (default 1s).
	Gather time.Duration
	// RetryMin and RetryMax bound the backoff while PagerDuty is
	// unavailable (default 1s, 1m).
	RetryMin, RetryMax time.Duration
	// Poll is how often the outbox is read without a wake-up (default 30s).
	Poll time.Duration
}

func (c Config) withDefaults() Config {
	if c.StormThreshold <= 0 {
		c.StormThreshold = 10
	}
	if c.Rate <= 0 {
		c.Rate = 2
	}
	if c.Burst <= 0 {
		c.Burst = 10
	}
	if c.Gather <= 0 {
		c.Gather = time.Second
	}
	if c.RetryMin <= 0 {
		c.RetryMin = time.Second
	}
	if c.RetryMax <= 0 {
		c.RetryMax = time.Minute
	}
	if c.Poll <= 0 {
		c.Poll = 30 * time.Second
	}
	return c
}
