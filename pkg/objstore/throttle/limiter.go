package throttle

import (
	"context"
	"math"
	"sync"
	"time"
)

// Config tunes a Limiter; zero fields take the defaults shown.
type Config struct {
	MinRate     float64       // requests/s floor when throttled (1)
	MaxRate     float64       // above this the limit is lifted (10000)
	Increase    float64       // requests/s added per success (0.5)
	CutInterval time.Duration // minimum time between two cuts (200ms)
	// OnThrottle is called after each local throttle signal (Throttled), not
	// for Signal, so that a fleet can broadcast it without echoes.
	OnThrottle func()
	Now        func() time.Time // for tests
}

// Limiter is a process-wide adaptive rate limit. Safe for concurrent use.
type Limiter struct {
	cfg Config

	mu      sync.Mutex
	rate    float64 // +Inf while unlimited
	tokens  float64
	last    time.Time // of the last token refill
	lastCut time.Time
	window  time.Time // start of the current observation second
	count   float64   // requests started in the current second
	prev    float64   // requests started in the previous second
	cuts    int64
}

// New returns an unlimited Limiter.
func New(cfg Config) *Limiter {
	if cfg.MinRate <= 0 {
		cfg.MinRate = 1
	}
	if cfg.MaxRate <= 0 {
		cfg.MaxRate = 10000
	}
	if cfg.Increase <= 0 {
		cfg.Increase = 0.5
	}
	if cfg.CutInterval <= 0 {
		cfg.CutInterval = 200 * time.Millisecond
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Limiter{cfg: cfg, rate: math.Inf(1)}
}

// Wait blocks until a request may start, or ctx ends.
func (l *Limiter) Wait(ctx context.Context) error {
	for {
		delay := l.reserve()
		if delay <= 0 {
			return nil
		}
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
}

// reserve takes a token and returns 0, or returns how long to wait for one.
func (l *Limiter) reserve() time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.cfg.Now()
	l.observe(now)
	if math.IsInf(l.rate, 1) {
		l.count++
		return 0
	}
	l.tokens = min(l.tokens+now.Sub(l.last).Seconds()*l.rate, max(1, l.rate/10))
	l.last = now
	if l.tokens >= 1 {
		l.tokens--
		l.count++
		return 0
	}
	return time.Duration((1 - l.tokens) / l.rate * float64(time.Second))
}

// observe rolls the one-second window that measures the current rate.
func (l *Limiter) observe(now time.Time) {
	switch el := now.Sub(l.window); {
	case el >= 2*time.Second:
		l.prev, l.count, l.window = 0, 0, now
	case el >= time.Second:
		l.prev, l.count, l.window = l.count, 0, l.window.Add(time.Second)
	}
}

// Throttled records that the store answered SlowDown/429 to this process:
// the rate is cut, and Config.OnThrottle is told.
func (l *Limiter) Throttled() {
	l.Signal()
	if l.cfg.OnThrottle != nil {
		l.cfg.OnThrottle()
	}
}

// Signal cuts the rate without calling OnThrottle: use it for throttle
// signals other processes broadcast.
func (l *Limiter) Signal() {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.cfg.Now()
	if now.Sub(l.lastCut) < l.cfg.CutInterval {
		return
	}
	l.observe(now)
	l.lastCut = now
	l.cuts++
	if math.IsInf(l.rate, 1) {
		l.rate = max(l.prev, l.count, 2*l.cfg.MinRate)
		l.tokens, l.last = 0, now
	}
	l.rate = max(l.cfg.MinRate, l.rate/2)
}

// Succeeded records a request the store served: the rate climbs back.
func (l *Limiter) Succeeded() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if math.IsInf(l.rate, 1) {
		return
	}
	l.rate += l.cfg.Increase
	if l.rate > l.cfg.MaxRate {
		l.rate = math.Inf(1)
	}
}

// Rate is the current limit in requests per second (+Inf when unlimited).
func (l *Limiter) Rate() float64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.rate
}

// Cuts counts the throttle signals that cut the rate.
func (l *Limiter) Cuts() int64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.cuts
}
