package staging

import (
	"context"
	"io"
	"sync"
)

// Transfer observes one Put or Get: Start is called as it begins and
// returns the context the transfer runs in (a tracing span, say) and the
// function to call, once, when it ends, with the bytes moved and the
// error it ended with (nil when a Get was read to its end or closed).
type Transfer func(ctx context.Context, op, key string) (context.Context, func(n int64, err error))

// Op names given to a Transfer.
const (
	OpPut = "put"
	OpGet = "get"
)

// Observed returns a view of the store whose Puts and Gets report to t
// (metrics and spans of the stage that uses the view). The view shares
// the buckets with s.
func (s *Store) Observed(t Transfer) *Store {
	c := *s
	c.observe = t
	return &c
}

func (s *Store) start(ctx context.Context, op, key string) (context.Context, func(int64, error)) {
	if s.observe == nil {
		return ctx, func(int64, error) {}
	}
	return s.observe(ctx, op, key)
}

// observedReader counts what a Get's caller reads and reports it once, on
// the first error or end or on Close.
type observedReader struct {
	io.ReadCloser
	n    int64
	once sync.Once
	end  func(int64, error)
}

func (r *observedReader) Read(p []byte) (int, error) {
	n, err := r.ReadCloser.Read(p)
	r.n += int64(n)
	if err == io.EOF {
		r.once.Do(func() { r.end(r.n, nil) })
	} else if err != nil {
		r.once.Do(func() { r.end(r.n, err) })
	}
	return n, err
}

func (r *observedReader) Close() error {
	err := r.ReadCloser.Close()
	r.once.Do(func() { r.end(r.n, nil) })
	return err
}
