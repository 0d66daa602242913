package jobs

import (
	"context"
	"sync"
)

// Budget bounds the bytes the jobs of one replica hold in memory at once,
// so that a stage can run many jobs of small parts at once (their time is
// spent waiting on the network) and still only a few of large ones. A nil
// Budget bounds nothing.
type Budget struct {
	mu   sync.Mutex
	free int64
	max  int64
	wake chan struct{} // closed, and replaced, whenever bytes are given back
}

// NewBudget is a budget of limit bytes; nil when limit <= 0.
func NewBudget(limit int64) *Budget {
	if limit <= 0 {
		return nil
	}
	return &Budget{free: limit, max: limit, wake: make(chan struct{})}
}

// Take waits until n bytes are free (a job larger than the whole budget
// waits for all of it) and takes them; release gives them back, once
// however often it is called. It fails only when ctx ends.
func (b *Budget) Take(ctx context.Context, n int64) (release func(), err error) {
	if b == nil {
		return func() {}, nil
	}
	n = min(max(n, 0), b.max)
	for {
		b.mu.Lock()
		if b.free >= n {
			b.free -= n
			b.mu.Unlock()
			return sync.OnceFunc(func() { b.give(n) }), nil
		}
		wake := b.wake
		b.mu.Unlock()
		select {
		case <-wake:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

func (b *Budget) give(n int64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.free += n
	close(b.wake)
	b.wake = make(chan struct{})
}
