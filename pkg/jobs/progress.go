package jobs

import (
	"context"
	"io"
)

type progressKey struct{}

// ReportProgress tells the runtime that the handler whose context ctx is
// (or derives from) is moving, as Job.Progress does, for code that has the
// context but not the Job. Outside a handler it does nothing.
func ReportProgress(ctx context.Context) {
	if f, ok := ctx.Value(progressKey{}).(func()); ok {
		f()
	}
}

// ProgressReader reports progress on every read that returns bytes.
func ProgressReader(ctx context.Context, r io.Reader) io.Reader {
	f, ok := ctx.Value(progressKey{}).(func())
	if !ok {
		return r
	}
	return progressReader{r: r, progress: f}
}

type progressReader struct {
	r        io.Reader
	progress func()
}

func (p progressReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	if n > 0 {
		p.progress()
	}
	return n, err
}
