package staging

import (
	"context"
	"fmt"
	"io"
	"time"
)

// DefaultStallTimeout is how long a transfer may make no progress before it
// is given up (Options.StallTimeout).
const DefaultStallTimeout = 2 * time.Minute

// ErrStalled says a transfer made no progress for the stall timeout. It is
// a time-out (errors.Is(err, context.DeadlineExceeded)), so the job runtime
// counts it as slowness, not failure.
var ErrStalled = fmt.Errorf("staging transfer made no progress: %w", context.DeadlineExceeded)

// far is the deadline a Put's context gets. The JetStream object store
// otherwise bounds each chunk's publish ack by the client's default 5 s
// time-out: a part moving slowly on a loaded machine failed ("nats:
// timeout") although it moved. The watchdog below bounds a Put by its
// progress instead.
const far = 7 * 24 * time.Hour

// watchdog cancels a Put that makes no progress for timeout. The time the
// Put waits on its caller (reading the caller's stream) is not counted:
// pause while in the caller's hands, resume when the store is working.
type watchdog struct {
	timer   *time.Timer
	timeout time.Duration
}

func newWatchdog(timeout time.Duration, cancel context.CancelCauseFunc) *watchdog {
	return &watchdog{timer: time.AfterFunc(timeout, func() { cancel(ErrStalled) }), timeout: timeout}
}

func (w *watchdog) pause()  { w.timer.Stop() }
func (w *watchdog) resume() { w.timer.Reset(w.timeout) }

// transferContext derives a Put's context: the far deadline, cancelled by
// the watchdog with ErrStalled.
func (s *Store) transferContext(ctx context.Context) (context.Context, *watchdog, func()) {
	ctx, cancelCause := context.WithCancelCause(ctx)
	ctx, cancelDeadline := context.WithTimeout(ctx, far)
	wd := newWatchdog(s.stall, cancelCause)
	return ctx, wd, func() { wd.pause(); cancelDeadline(); cancelCause(nil) }
}

// stalled replaces err by ErrStalled when the watchdog ended the transfer.
func stalled(ctx context.Context, err error) error {
	if err != nil && context.Cause(ctx) == ErrStalled {
		return ErrStalled
	}
	return err
}

// sourceReader is the caller's stream a Put reads: the watchdog pauses
// while the caller produces.
type sourceReader struct {
	r  io.Reader
	wd *watchdog
}

func (r sourceReader) Read(p []byte) (int, error) {
	r.wd.pause()
	defer r.wd.resume()
	return r.r.Read(p)
}
