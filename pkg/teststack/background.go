package teststack

import (
	"context"
	"sync"
	"testing"
	"time"
)

// Background runs run (a service's or a worker's Run) in a goroutine until
// stop, which cancels its context and waits (MinWait at the most) for it
// to return nil. stop may be called more than once; the test's cleanup
// calls it too.
func Background(t testing.TB, what string, run func(context.Context) error) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("%s: %v", what, err)
				}
			case <-time.After(MinWait):
				t.Errorf("%s did not stop within %s", what, MinWait)
			}
		})
	}
	t.Cleanup(stop)
	return stop
}
