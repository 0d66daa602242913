package verify

import (
	"io"
	"sync"
)

// aheadSize and aheadChunks bound what one read-ahead holds: a chunk being
// read, aheadChunks read and waiting, and the one its reader is on (1 MiB).
const (
	aheadSize   = 256 << 10
	aheadChunks = 2
)

// ahead reads src in a goroutine of its own, chunk by chunk, while its
// reader works on the chunks read before: a stream's stages (the read from
// the bucket, decryption and decompression, the hashes and the archive's
// checks) run side by side instead of one after the other, and what they
// check is unchanged. src is read by that goroutine only, until Close has
// returned. Bytes and the error that ends them come out in the order src
// gave them.
type ahead struct {
	full  chan aheadChunk
	free  chan []byte
	stop  chan struct{}
	done  chan struct{}
	once  sync.Once
	buf   []byte // the chunk being read from
	cur   []byte // what is left of it
	err   error
	after func() // called by the goroutine after each chunk it read
}

type aheadChunk struct {
	b   []byte
	err error
}

func newAhead(src io.Reader, after func()) *ahead {
	a := &ahead{full: make(chan aheadChunk, aheadChunks), free: make(chan []byte, aheadChunks+2),
		stop: make(chan struct{}), done: make(chan struct{}), after: after}
	for range aheadChunks + 2 {
		a.free <- nil // allocated on first use
	}
	go a.run(src)
	return a
}

func (a *ahead) run(src io.Reader) {
	defer close(a.done)
	for {
		var b []byte
		select {
		case b = <-a.free:
		case <-a.stop:
			return
		}
		if b == nil {
			b = make([]byte, aheadSize)
		}
		n, err := fill(src, b)
		if a.after != nil {
			a.after()
		}
		select {
		case a.full <- aheadChunk{b[:n], err}:
		case <-a.stop:
			return
		}
		if err != nil {
			return
		}
	}
}

// fill reads src until b is full or src ends (io.EOF) or fails.
func fill(src io.Reader, b []byte) (int, error) {
	n := 0
	for n < len(b) {
		k, err := src.Read(b[n:])
		n += k
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// Read implements io.Reader. Not safe for concurrent use.
func (a *ahead) Read(p []byte) (int, error) {
	for len(a.cur) == 0 {
		if a.buf != nil {
			a.free <- a.buf[:cap(a.buf)]
			a.buf = nil
		}
		if a.err != nil {
			return 0, a.err
		}
		c := <-a.full // the goroutine sends until it sent an error
		a.buf, a.cur, a.err = c.b, c.b, c.err
	}
	n := copy(p, a.cur)
	a.cur = a.cur[n:]
	return n, nil
}

// Close stops the goroutine and waits for it: src is not read after Close
// returns (a read in progress is waited for). Close may be called more than
// once.
func (a *ahead) Close() {
	a.once.Do(func() { close(a.stop) })
	<-a.done
}
