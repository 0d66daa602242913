package jobs

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// errStalled cancels a handler that reported no progress for Config.Timeout.
var errStalled = errors.New("no progress")

// run calls the handler for one delivery, with a heartbeat while it works,
// panics recovered into a failed attempt, and a watchdog that cancels the
// handler once it has gone Config.Timeout without progress (Job.Progress).
// A handler that ignores its cancelled context is abandoned after
// ShutdownGrace: its heartbeat stops and the attempt counts as failed, so a
// hung handler is never kept alive by its heartbeat.
func (w *Worker[T]) run(ctx context.Context, msg jetstream.Msg, job *Job[T]) error {
	hctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	watchdog := time.AfterFunc(w.cfg.Timeout, func() { cancel(errStalled) })
	defer watchdog.Stop()
	job.progress = func() { watchdog.Reset(w.cfg.Timeout) }
	hctx = context.WithValue(hctx, progressKey{}, job.progress)

	stop := w.heartbeat(hctx, msg)
	defer stop()
	result := make(chan error, 1)
	go func() { result <- w.call(hctx, job) }()

	stalled := func(err error) error {
		if err != nil && context.Cause(hctx) == errStalled && ctx.Err() == nil {
			return fmt.Errorf("%s handler made no progress for %s: %w", w.stage.Name, w.cfg.Timeout, errors.Join(errStalled, err))
		}
		return err
	}
	select {
	case err := <-result:
		return stalled(err)
	case <-hctx.Done():
	}
	select {
	case err := <-result:
		return stalled(err)
	case <-time.After(w.cfg.ShutdownGrace):
		w.cfg.Logger.Error("handler ignores cancellation; abandoned", "stage", w.stage.Name, "subject", msg.Subject())
		return stalled(fmt.Errorf("%s handler did not return within %s of being cancelled", w.stage.Name, w.cfg.ShutdownGrace))
	}
}

// call runs the handler and turns a panic into an error, logging the stack.
func (w *Worker[T]) call(ctx context.Context, job *Job[T]) (err error) {
	defer func() {
		if r := recover(); r != nil {
			w.cfg.Logger.Error("handler panicked", "stage", w.stage.Name, "subject", job.Subject,
				"panic", fmt.Sprint(r), "stack", string(debug.Stack()))
			err = fmt.Errorf("%s handler panicked: %v", w.stage.Name, r)
		}
	}()
	return w.handler(ctx, job)
}
