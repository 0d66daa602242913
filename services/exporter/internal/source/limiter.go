package source

import (
	"context"
	"fmt"
)

// Limiter caps concurrent exports against one source. It is safe for
// concurrent use; share one per source between jobs.
type Limiter struct{ slots chan struct{} }

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
