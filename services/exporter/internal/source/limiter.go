package source

import (
	"context"
	"fmt"
	"sync"
)

// Limiter caps concurrent exports against one source. It is safe for
// concurrent use; share one per source between jobs.
type Limiter struct {
	slots chan struct{}
	// many serialises AcquireN: one caller at a time gathers several
	// slots, so that two cannot each hold part of what the other waits for.
	many sync.Mutex
}

// NewLimiter allows n concurrent exports (n < 1 means 1).
func NewLimiter(n int) *Limiter {
	return &Limiter{slots: make(chan struct{}, max(n, 1))}
}

// Acquire waits for a slot; call release exactly once when done.
func (l *Limiter) Acquire(ctx context.Context) (release func(), err error) {
	if l == nil {
		return func() {}, nil
	}
	select {
	case l.slots <- struct{}{}:
		return func() { <-l.slots }, nil
	case <-ctx.Done():
		return nil, fmt.Errorf("wait for export slot: %w", ctx.Err())
	}
}

// AcquireN waits for n slots (at most the limiter's size) for one export
// that weighs as much as several, as a batch of tenants does; call release
// exactly once when done.
func (l *Limiter) AcquireN(ctx context.Context, n int) (release func(), err error) {
	if l == nil {
		return func() {}, nil
	}
	n = min(max(n, 1), cap(l.slots))
	l.many.Lock()
	defer l.many.Unlock()
	got := 0
	free := func() {
		for range got {
			<-l.slots
		}
	}
	for got < n {
		select {
		case l.slots <- struct{}{}:
			got++
		case <-ctx.Done():
			free()
			return nil, fmt.Errorf("wait for %d export slots: %w", n, ctx.Err())
		}
	}
	return free, nil
}
