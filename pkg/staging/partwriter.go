package staging

import (
	"context"
	"errors"
	"fmt"
	"io"
)

// Part is one staged plaintext part.
type Part struct {
	Index int
	Last  bool
	Key   string
	Info
}

// PartWriter cuts what is written to it into parts of Size bytes, streams
// each into staging as it is written, and calls Announce once a part is
// stored. Announce may block (back-pressure); the writer then blocks too.
// Close stores the final part, marked Last (empty if the stream ended on a
// part boundary, so that the last part always says how many there are).
type PartWriter struct {
	ctx      context.Context
	store    *Store
	artifact string
	size     int64
	announce func(context.Context, Part) error

	index   int
	written int64 // bytes of the current part
	pw      *io.PipeWriter
	done    chan putResult
	err     error
}

type putResult struct {
	info Info
	err  error
}

// NewPartWriter starts a writer for one artifact's parts.
func NewPartWriter(ctx context.Context, store *Store, artifact string, size int64, announce func(context.Context, Part) error) *PartWriter {
	return &PartWriter{ctx: ctx, store: store, artifact: artifact, size: size, announce: announce}
}

func (w *PartWriter) open() {
	pr, pw := io.Pipe()
	w.pw, w.done, w.written = pw, make(chan putResult, 1), 0
	key := PlainKey(w.artifact, w.index)
	go func() {
		info, err := w.store.Put(w.ctx, key, pr, nil)
		pr.CloseWithError(err) // unblock the writer if the put failed
		w.done <- putResult{info, err}
	}()
}

// finish closes the current part and announces it.
func (w *PartWriter) finish(last bool) error {
	if w.pw == nil {
		w.open()
	}
	w.pw.Close()
	res := <-w.done
	w.pw = nil
	if res.err != nil {
		return res.err
	}
	p := Part{Index: w.index, Last: last, Key: PlainKey(w.artifact, w.index), Info: res.info}
	w.index++
	if err := w.announce(w.ctx, p); err != nil {
		return fmt.Errorf("announce part %d: %w", p.Index, err)
	}
	return nil
}

// Write streams p into the current part, cutting parts as they fill.
func (w *PartWriter) Write(p []byte) (int, error) {
	if w.err != nil {
		return 0, w.err
	}
	n := 0
	for len(p) > 0 {
		if w.pw == nil {
			w.open()
		}
		chunk := p
		if room := w.size - w.written; int64(len(chunk)) > room {
			chunk = chunk[:room]
		}
		m, err := w.pw.Write(chunk)
		n += m
		w.written += int64(m)
		p = p[m:]
		if err != nil {
			w.err = err
			return n, err
		}
		if w.written == w.size {
			if err := w.finish(false); err != nil {
				w.err = err
				return n, err
			}
		}
	}
	return n, nil
}

// Close stores and announces the last part. It returns the number of parts.
func (w *PartWriter) Close() (int, error) {
	if w.err != nil {
		w.Abort(w.err)
		return 0, w.err
	}
	if err := w.finish(true); err != nil {
		w.err = err
		return 0, err
	}
	w.err = errors.New("part writer closed")
	return w.index, nil
}

// Abort stops the current part without storing it.
func (w *PartWriter) Abort(cause error) {
	if w.pw != nil {
		w.pw.CloseWithError(cause)
		<-w.done
		w.pw = nil
	}
}
