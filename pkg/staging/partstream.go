package staging

import (
	"context"
	"errors"
	"fmt"
	"io"
)

// NewStreamingPartWriter starts a writer that streams each part into
// staging as it is written instead of holding it: the part's put reads
// what Write hands it through a pipe, so the writer holds no more than the
// put's window of chunks (putWindow × 128 KiB) whatever the part's size.
// For the members of a batch export, many of which fill a part at once:
// held, 32 parts of 16 MiB were 512 MiB.
//
// A part is held until it grows past streamAfter, and only then streamed
// (what was held first): most members of a batch are small tenants, whose
// one part is put as a NewPartWriter's is, from memory and retried, and
// whose lanes never wait on a put's acknowledgements (streaming every part
// cost arca dev 1.17 × the CPU on the 951 MB bench).
//
// Parts are stored and announced in order, as a NewPartWriter's: a part's
// put starts once the part before has been stored and announced, so that
// an Announce that blocks (back-pressure) blocks the next part's first
// Write. A put that fails is not retried, since its bytes are gone: it
// fails the writer, and the Write waiting on it (or the next Write, Cut or
// Close) returns its error. The caller's attempt then fails, and its retry
// should write with NewPartWriter, which holds each part and retries its
// put. Parts stored so far are recorded for Discard, the failed one too.
//
// Abort (and Discard) must not run while a Write is under way, as for a
// NewPartWriter.
func NewStreamingPartWriter(ctx context.Context, store *Store, artifact string, size int64, announce func(context.Context, Part) error) *PartWriter {
	return newPartWriter(ctx, store, artifact, size, announce, true)
}

// streamAfter is the most of a part a streaming writer holds before it
// streams the part: a member holds at most two such parts (one filling,
// one being put) or this and the put's window.
const streamAfter = 1 << 20

// begin starts streaming the current part, what was held of it first: its
// put is queued, and starts once the putter has stored and announced the
// part before.
func (w *PartWriter) begin() error {
	pr, pw := io.Pipe()
	end := make(chan bool, 1)
	select {
	case w.queue <- pending{index: w.index, r: pr, end: end, head: w.buf}:
	case <-w.ctx.Done():
		if err := w.failed(); err != nil {
			return err
		}
		return w.ctx.Err()
	}
	w.pipe, w.end, w.buf = pw, end, nil
	return nil
}

// writeStreamed hands p to the current part's put, starting the part if
// p is its first byte. It returns once the put has read p, or with the
// put's error if the put failed.
func (w *PartWriter) writeStreamed(p []byte) error {
	if w.pipe == nil {
		if err := w.begin(); err != nil {
			return err
		}
	}
	if _, err := w.pipe.Write(p); err != nil {
		if ferr := w.failed(); ferr != nil {
			return ferr
		}
		return err
	}
	return nil
}

// endStreamed ends the current part, being streamed: its put stores what
// it read and the putter announces it, while the writer goes on to the
// next part.
func (w *PartWriter) endStreamed(last bool) error {
	w.end <- last
	_ = w.pipe.Close() // the put reads io.EOF: the part is whole
	w.pipe, w.end = nil, nil
	w.index++
	w.n = 0
	return w.failed()
}

// endPipe ends the current part's pipe, if a part is under way, with err
// (never as a whole part: its put fails).
func (w *PartWriter) endPipe(err error) {
	if w.pipe == nil {
		return
	}
	if err == nil {
		err = errors.New("part writer closed")
	}
	_ = w.pipe.CloseWithError(err)
	w.pipe, w.end = nil, nil
}

// putStreamed stores and announces a streamed part, on the putter. After
// a failure it only ends the part's pipe, with the failure, so that the
// writer's Write returns it instead of waiting on a put that never reads.
func (w *PartWriter) putStreamed(p pending) {
	if err := w.failed(); err != nil {
		_ = p.r.CloseWithError(err)
		return
	}
	key := PlainKey(w.artifact, p.index)
	r := io.MultiReader(NewHeld(p.head...), p.r)
	p.head = nil // the Held lets each chunk go once read
	info, err := w.store.Put(w.ctx, key, r, nil)
	if err != nil {
		w.record(stored{key: key}, false)
		w.fail(fmt.Errorf("part %d, streamed (not retried): %w", p.index, err))
		_ = p.r.CloseWithError(w.failed())
		return
	}
	// The put read the pipe to its end: the writer said first whether the
	// part is the last.
	last := <-p.end
	w.record(stored{key: key, rev: info.Revision}, last)
	if err := w.announce(w.ctx, Part{Index: p.index, Last: last, Key: key, Info: info}); err != nil {
		w.fail(fmt.Errorf("announce part %d: %w", p.index, err))
	}
}
