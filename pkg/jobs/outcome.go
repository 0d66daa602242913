package jobs

import (
	"errors"
	"fmt"
	"time"
)

// permanentError marks a failure that no retry can fix.
type permanentError struct{ err error }

func (e *permanentError) Error() string { return e.err.Error() }
func (e *permanentError) Unwrap() error { return e.err }

// Permanent tells the worker to dead-letter the job now: retrying cannot
// help (bad input, a missing tenant, a tampered archive).
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return &permanentError{err: err}
}

// IsPermanent reports whether err was marked Permanent.
func IsPermanent(err error) bool {
	var p *permanentError
	return errors.As(err, &p)
}

// retryAfterError asks for a redelivery after a fixed delay.
type retryAfterError struct {
	after time.Duration
	err   error
}

func (e *retryAfterError) Error() string {
	return fmt.Sprintf("retry after %s: %v", e.after, e.err)
}
func (e *retryAfterError) Unwrap() error { return e.err }

// RetryAfter tells the worker to hand the job back and see it again after d
// (back-pressure: the next stage is full, a lock is held elsewhere). It does
// not count towards dead-lettering until MaxDeliver is reached.
func RetryAfter(d time.Duration, err error) error {
	if err == nil {
		err = errors.New("not ready")
	}
	return &retryAfterError{after: d, err: err}
}
