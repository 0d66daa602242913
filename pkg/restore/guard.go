package restore

import (
	"errors"
	"io"
	"sync"
)

// errStopped is what a guarded reader returns once stopped.
var errStopped = errors.New("copy ended")

// guardedReader hands a reader to pgx's CopyFrom, which reads it from a
// goroutine of its own that may still be running when CopyFrom returns
// with a connection error. stop waits for any Read in flight and makes
// later ones fail, so the archive and seal readers are never used
// concurrently or after they are closed.
type guardedReader struct {
	mu      sync.Mutex
	r       io.Reader
	stopped bool
	err     error // the reader's own failure, which COPY only reports as text
}

func (g *guardedReader) Read(p []byte) (int, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.stopped {
		return 0, errStopped
	}
	n, err := g.r.Read(p)
	if err != nil && err != io.EOF {
		g.err = err
	}
	return n, err
}

// stop ends reading and returns the reader's own failure, if any.
func (g *guardedReader) stop() error {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.stopped = true
	return g.err
}
