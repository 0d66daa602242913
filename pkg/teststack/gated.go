package teststack

import (
	"bytes"
	"sync"
)

// GatedBody is a request body whose second half waits for Open: an upload
// that has started and is still sending while the test does something else
// (completes the upload, say). Reached is closed when the sender asks for
// the second half.
type GatedBody struct {
	*bytes.Reader
	half    int64
	gate    chan struct{}
	reached chan struct{}
	once    sync.Once
}

// NewGatedBody gates b at its middle.
func NewGatedBody(b []byte) *GatedBody {
	return &GatedBody{Reader: bytes.NewReader(b), half: int64(len(b)) / 2, gate: make(chan struct{}), reached: make(chan struct{})}
}

// ReadAt implements io.ReaderAt, holding reads past the middle until Open.
func (g *GatedBody) ReadAt(p []byte, off int64) (int, error) {
	if off+int64(len(p)) > g.half {
		g.once.Do(func() { close(g.reached) })
		<-g.gate
	}
	return g.Reader.ReadAt(p, off)
}

// Reached is closed once the second half is asked for.
func (g *GatedBody) Reached() <-chan struct{} { return g.reached }

// Open lets the second half go.
func (g *GatedBody) Open() { close(g.gate) }
