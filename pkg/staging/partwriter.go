package staging

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"
)

// Part is one staged plaintext part.
type Part struct {
	Index int
	Last  bool
	Key   string
	Info
}

// putAttempts is how often a part is put before the writer gives up: a
// put that fails (a time-out under load, a stream leader moving) is
// retried with the part's bytes, so the export goes on instead of starting
// over with a new snapshot.
const putAttempts = 5

// PartWriter cuts what is written to it into parts of Size bytes (or, with
// Size 0, where its writer calls Cut), stores each in staging and calls
// Announce once a part is stored, in order.
// Announce may block (back-pressure); the writer then blocks too.
// Close stores the final part, marked Last (empty if the stream ended on a
// part boundary, so that the last part always says how many there are).
//
// A part is held in memory while it is stored, so that a failed put is
// retried alone: the writer fills the next part while the previous one is
// put and announced, which bounds its memory to two parts. A part is held
// as chunks of the put's chunk size (128 KiB), which the put sends as
// they are: a part grown as one slice held up to twice its size, and a
// third while it was copied into a larger one.
//
// A streaming writer (NewStreamingPartWriter) holds no part: see
// partstream.go.
type PartWriter struct {
	ctx      context.Context
	cancel   context.CancelFunc
	store    *Store
	artifact string
	size     int64
	announce func(context.Context, Part) error

	// stream says parts are streamed into staging as they are written
	// (partstream.go) rather than held.
	stream bool
	pipe   *io.PipeWriter // streaming: the current part's, nil before its first byte
	end    chan<- bool    // streaming: told whether that part is the last before its pipe closes

	buf    [][]byte // the part being filled, in chunks of putChunk
	n      int64    // its size
	index  int      // its index
	queue  chan pending
	spare  chan [][]byte
	done   chan struct{}
	closed bool

	mu  sync.Mutex
	err error
	// stored are the parts put so far (and a part whose put failed, which
	// may be stored all the same), for Discard; lastTried says the last
	// part's announcement was attempted.
	stored    []stored
	lastTried bool
}

// stored is a part the writer put: its key and the revision its put
// returned (0 when the put failed and may or may not have stored it).
type stored struct {
	key string
	rev uint64
}

type pending struct {
	index int
	last  bool
	data  [][]byte
	// A streamed part: its put reads r, and learns from end, once r has
	// ended, whether the part is the last.
	r    *io.PipeReader
	end  <-chan bool
	head [][]byte // what was held of it before it was streamed, read first
}

// NewPartWriter starts a writer for one artifact's parts.
func NewPartWriter(ctx context.Context, store *Store, artifact string, size int64, announce func(context.Context, Part) error) *PartWriter {
	return newPartWriter(ctx, store, artifact, size, announce, false)
}

func newPartWriter(ctx context.Context, store *Store, artifact string, size int64, announce func(context.Context, Part) error, stream bool) *PartWriter {
	ctx, cancel := context.WithCancel(ctx)
	w := &PartWriter{ctx: ctx, cancel: cancel, store: store, artifact: artifact, size: size, announce: announce,
		stream: stream, queue: make(chan pending), spare: make(chan [][]byte, 1), done: make(chan struct{})}
	go w.putter()
	return w
}

// putter stores and announces the parts in order. After a failure it
// drains the queue so that the writer never blocks on it.
func (w *PartWriter) putter() {
	defer close(w.done)
	for p := range w.queue {
		if p.r != nil {
			w.putStreamed(p)
			continue
		}
		if w.failed() != nil {
			continue
		}
		if err := w.put(p); err != nil {
			w.fail(err)
			continue
		}
		for i := range p.data {
			p.data[i] = p.data[i][:0]
		}
		select {
		case w.spare <- p.data:
		default:
		}
	}
}

func (w *PartWriter) put(p pending) error {
	key := PlainKey(w.artifact, p.index)
	var info Info
	var err error
	delay := time.Second
	for attempt := 1; ; attempt++ {
		info, err = w.store.Put(w.ctx, key, NewHeld(p.data...), nil)
		if err == nil {
			break
		}
		if w.ctx.Err() != nil || attempt == putAttempts {
			w.record(stored{key: key}, false)
			return fmt.Errorf("part %d after %d attempts: %w", p.index, attempt, err)
		}
		select {
		case <-w.ctx.Done():
			w.record(stored{key: key}, false)
			return fmt.Errorf("part %d: %w", p.index, err)
		case <-time.After(delay):
		}
		delay = min(2*delay, 30*time.Second)
	}
	w.record(stored{key: key, rev: info.Revision}, p.last)
	if err := w.announce(w.ctx, Part{Index: p.index, Last: p.last, Key: key, Info: info}); err != nil {
		return fmt.Errorf("announce part %d: %w", p.index, err)
	}
	return nil
}

func (w *PartWriter) record(p stored, last bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.stored = append(w.stored, p)
	w.lastTried = w.lastTried || last
}

func (w *PartWriter) failed() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.err
}

func (w *PartWriter) fail(err error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err == nil {
		w.err = err
	}
}

// send hands the current part to the putter and starts the next.
func (w *PartWriter) send(last bool) error {
	if w.pipe != nil {
		return w.endStreamed(last)
	}
	select {
	case w.queue <- pending{index: w.index, last: last, data: w.buf}:
	case <-w.ctx.Done():
		return w.ctx.Err()
	}
	w.index++
	w.n = 0
	select {
	case b := <-w.spare:
		w.buf = b[:0]
	default:
		w.buf = nil
	}
	return w.failed()
}

// Write copies p into the current part, handing each full part over.
func (w *PartWriter) Write(p []byte) (int, error) {
	if err := w.failed(); err != nil {
		return 0, err
	}
	if w.closed {
		return 0, errors.New("part writer closed")
	}
	n := 0
	for len(p) > 0 {
		chunk := p
		if w.size > 0 {
			chunk = p[:min(int64(len(p)), w.size-w.n)]
		}
		if w.stream && (w.pipe != nil || w.n+int64(len(chunk)) > streamAfter) {
			if err := w.writeStreamed(chunk); err != nil {
				return n, err
			}
		} else {
			w.add(chunk)
		}
		w.n += int64(len(chunk))
		n += len(chunk)
		p = p[len(chunk):]
		if w.size > 0 && w.n == w.size {
			if err := w.send(false); err != nil {
				return n, err
			}
		}
	}
	return n, nil
}

// add appends p to the current part, chunk by chunk: the spare part's
// chunks first, then new ones.
func (w *PartWriter) add(p []byte) {
	for len(p) > 0 {
		k := len(w.buf)
		if k == 0 || len(w.buf[k-1]) == putChunk {
			if k < cap(w.buf) && cap(w.buf[:k+1][k]) == putChunk {
				w.buf = w.buf[:k+1]
			} else {
				w.buf = append(w.buf[:k], make([]byte, 0, putChunk))
			}
			k++
		}
		c := w.buf[k-1]
		m := min(len(p), putChunk-len(c))
		w.buf[k-1] = append(c, p[:m]...)
		p = p[m:]
	}
}

// Cut ends the current part here: it is handed over to be stored, and
// what is written next starts the next part. A writer of compressed parts
// cuts at frame boundaries.
func (w *PartWriter) Cut() error {
	if err := w.failed(); err != nil {
		return err
	}
	if w.closed {
		return errors.New("part writer closed")
	}
	return w.send(false)
}

// Close stores and announces the last part, waits for every part to be
// stored and announced, and returns the number of parts.
func (w *PartWriter) Close() (int, error) {
	if w.closed {
		return 0, errors.New("part writer closed")
	}
	err := w.failed()
	if err == nil {
		err = w.send(true)
	}
	w.closed = true
	w.endPipe(err)
	close(w.queue)
	<-w.done
	w.cancel()
	if err == nil {
		err = w.failed()
	}
	if err != nil {
		return 0, err
	}
	return w.index, nil
}

// Abort stops the writer without storing what is left. Parts already
// stored stay until Discard deletes them, or the bucket's TTL.
func (w *PartWriter) Abort(cause error) {
	if cause == nil {
		cause = errors.New("part writer aborted")
	}
	w.fail(cause)
	w.cancel()
	w.endPipe(cause)
	if !w.closed {
		w.closed = true
		close(w.queue)
	}
	<-w.done
}
