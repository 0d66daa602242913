package jobs

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"time"

	"github.com/nats-io/nats.go"
)

// PermanentError marks a failure that no retry can fix: the worker
// dead-letters the job at once instead of retrying it (River's
// JobCancelError). Handlers return it through Permanent; errors.As finds it
// however deeply it is wrapped.
type PermanentError struct{ Err error }

func (e *PermanentError) Error() string { return e.Err.Error() }
func (e *PermanentError) Unwrap() error { return e.Err }

// Permanent tells the worker to dead-letter the job now: retrying cannot
// help (bad input, an unknown tenant, a part the bucket refuses, a tenant
// whose keys were destroyed, a tampered archive).
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return &PermanentError{Err: err}
}

// IsPermanent reports whether err was marked Permanent.
func IsPermanent(err error) bool {
	var p *PermanentError
	return errors.As(err, &p)
}

// RetryAfterError asks for a redelivery after a fixed delay, not counted
// as a failure (River's JobSnoozeError). Handlers return it through
// RetryAfter; errors.As finds it however deeply it is wrapped.
type RetryAfterError struct {
	After time.Duration
	Err   error
}

func (e *RetryAfterError) Error() string {
	return fmt.Sprintf("retry after %s: %v", e.After, e.Err)
}
func (e *RetryAfterError) Unwrap() error { return e.Err }

// RetryAfter tells the worker to hand the job back and see it again after d
// (back-pressure: the next stage is full, a lock is held elsewhere). Like a
// time-out it is slowness, not failure: it dead-letters the job only once
// the job is older than Config.RetryFor as well as past MaxDeliver.
func RetryAfter(d time.Duration, err error) error {
	if err == nil {
		err = errors.New("not ready")
	}
	return &RetryAfterError{After: d, Err: err}
}

// IsSlowness reports whether err says an operation took too long rather
// than that it went wrong: a time-out of NATS, of the network or of a
// deadline, or a RetryAfter. Such failures alone never exhaust a job's
// deliveries before Config.RetryFor has passed.
func IsSlowness(err error) bool {
	var ra *RetryAfterError
	var ne net.Error
	switch {
	case errors.As(err, &ra):
		return true
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, os.ErrDeadlineExceeded), errors.Is(err, nats.ErrTimeout):
		return true
	case errors.As(err, &ne) && ne.Timeout():
		return true
	}
	return false
}
