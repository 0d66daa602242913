package staging

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go/jetstream"
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

// probeEvery is how long a Get waits for its next bytes before it asks
// whether the object still exists: a part deleted while it is read (the
// uploader's advancers race for it) sends no more chunks, and the read
// would otherwise wait for the stall timeout.
const probeEvery = 2 * time.Second

// minRate sizes a Get's deadline: the stall timeout plus the object at
// this rate. Only a Get whose object vanished runs into it, and only its
// pumping goroutine, which the deadline releases.
const minRate = 64 << 10 // bytes per second

// resultReader is a Get's stream. A goroutine pumps the object store's
// reader into a pipe, so that the caller's Read can be ended when the
// object turns out deleted (ErrNotFound) or the transfer stalls
// (ErrStalled) while the store's own Read waits for chunks that will never
// come. Time the caller takes between reads does not count: the pump then
// waits on the pipe, not on the store.
type resultReader struct {
	pr     *io.PipeReader
	key    string
	cancel context.CancelFunc
	// readingSince is when the pump's current read of the store began
	// (unix nanoseconds), 0 while it is not reading.
	readingSince atomic.Int64
}

func (s *Store) stream(ctx context.Context, key string, res io.ReadCloser, nuid string, cancel context.CancelFunc) *resultReader {
	pr, pw := io.Pipe()
	r := &resultReader{pr: pr, key: key, cancel: cancel}
	go func() { // the pump
		buf := make([]byte, 128<<10)
		var err error
		for err == nil {
			r.readingSince.Store(time.Now().UnixNano())
			var n int
			n, err = res.Read(buf)
			r.readingSince.Store(0)
			if n > 0 {
				if _, werr := pw.Write(buf[:n]); werr != nil {
					err = werr
				}
			}
		}
		if err == io.EOF {
			err = nil
		} else if s.gone(ctx, key, nuid) {
			err = fmt.Errorf("staging get %s: deleted while read: %w", key, ErrNotFound)
		}
		_ = res.Close()
		pw.CloseWithError(err)
	}()
	go func() { // the probe
		t := time.NewTicker(probeEvery / 2)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			since := r.readingSince.Load()
			if since == 0 || time.Since(time.Unix(0, since)) < probeEvery {
				continue
			}
			if time.Since(time.Unix(0, since)) > s.stall {
				pw.CloseWithError(fmt.Errorf("staging get %s: %w", key, ErrStalled))
				return
			}
			if s.gone(ctx, key, nuid) {
				pw.CloseWithError(fmt.Errorf("staging get %s: deleted while read: %w", key, ErrNotFound))
				return
			}
		}
	}()
	return r
}

// gone reports whether the object read as nuid was deleted or replaced.
func (s *Store) gone(ctx context.Context, key, nuid string) bool {
	oi, err := s.bucket(key).GetInfo(context.WithoutCancel(ctx), key)
	return errors.Is(err, jetstream.ErrObjectNotFound) || (err == nil && oi.NUID != nuid)
}

func (r *resultReader) Read(p []byte) (int, error) {
	n, err := r.pr.Read(p)
	if err != nil && err != io.EOF && !errors.Is(err, ErrNotFound) && !errors.Is(err, ErrStalled) {
		err = fmt.Errorf("staging get %s: %w", r.key, err)
	}
	return n, err
}

// Close ends the stream; the pump ends with its current read.
func (r *resultReader) Close() error {
	r.cancel()
	return r.pr.Close()
}
