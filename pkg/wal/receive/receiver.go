package receive

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/arcabackup/arca/pkg/wal"
)

// Receiver streams WAL into the bucket until its context ends.
type Receiver struct {
	cfg Config

	mu sync.Mutex
	st Status
}

// Status is what the receiver has done, for logs, tests and health checks.
type Status struct {
	Connected   bool
	Timeline    uint32
	Segment     string  // the segment being received
	Received    wal.LSN // end of the WAL received
	Flushed     wal.LSN // end of the WAL in the bucket (reported to the primary)
	Puts        int     // objects put (partials and segments)
	LastPut     time.Time
	Sessions    int    // connections made
	LastError   string // why the last connection ended
	SegmentSize int64
}

// New checks the configuration.
func New(cfg Config) (*Receiver, error) {
	cfg = cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	return &Receiver{cfg: cfg}, nil
}

// Status is a snapshot of the receiver's progress.
func (r *Receiver) Status() Status {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.st
}

func (r *Receiver) update(f func(*Status)) {
	r.mu.Lock()
	f(&r.st)
	r.mu.Unlock()
}

// Run streams until ctx ends, reconnecting with backoff after any failure
// of the primary, the network or the bucket; on the way out it puts what it
// received. It returns nil when ctx ends, and an error only for what a
// retry cannot fix: a *wal.ConflictError (another cluster's segment under
// the name) or a slot that does not exist and may not be created.
func (r *Receiver) Run(ctx context.Context) error {
	wait := 100 * time.Millisecond
	for {
		began := time.Now()
		err := r.session(ctx)
		if ctx.Err() != nil {
			return nil
		}
		var conflict *wal.ConflictError
		if errors.As(err, &conflict) || errors.Is(err, errNoSlot) {
			return fmt.Errorf("wal-receive: %w", err)
		}
		r.update(func(s *Status) { s.Connected, s.LastError = false, err.Error() })
		if time.Since(began) > r.cfg.MaxBackoff {
			wait = 100 * time.Millisecond // it ran a while: a fresh failure
		}
		jittered := wait/2 + rand.N(wait/2+1)
		r.cfg.Log.Warn("wal-receive: stream interrupted, reconnecting", "err", err, "in", jittered.Round(time.Millisecond))
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(jittered):
		}
		wait = min(2*wait, r.cfg.MaxBackoff)
	}
}
