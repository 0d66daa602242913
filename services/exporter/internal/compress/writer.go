package compress

import (
	"errors"
	"io"
	"sync"

	"github.com/klauspost/compress/zstd"

	"github.com/arcabackup/arca/pkg/iocount"
	"github.com/arcabackup/arca/pkg/zframe"
)

// Sink takes the compressed stream and is told where each part ends
// (a *staging.PartWriter with no size of its own).
type Sink interface {
	io.Writer
	Cut() error
}

// step is the most plaintext handed to the encoder at once: one zstd block,
// so a part overshoots its target by the compressed form of at most two
// blocks (the last write, and what the encoder still holds at the cut).
const step = 128 << 10

// Writer compresses what is written to it into Sink, one zstd frame per
// part, and cuts the part as soon as its frame reaches the target size.
// It is not safe for concurrent writes; PlainSize may be called from any
// goroutine.
type Writer struct {
	sink   Sink
	target int64
	level  zstd.EncoderLevel
	opts   []zstd.EOption
	// enc is made at the first write and dropped at Close: a writer made
	// for a job that waits (a batch member gathering, or waiting for an
	// export slot) and one whose stream has ended hold no encoder.
	enc    *zstd.Encoder
	out    iocount.Writer // the current frame, as written to sink
	plain  int64          // plaintext in the current frame
	closed bool

	mu    sync.Mutex
	sizes []int64 // plaintext size of each finished part
}

// LowMemory are encoder options for a writer among many at once (the
// members of a batch export, each compressing its own archive): a 512 KiB
// window and the encoder's lower-memory mode hold ~2.4 MiB per writer
// instead of ~6 MiB, for about the same ratio on CSV.
var LowMemory = []zstd.EOption{zstd.WithWindowSize(512 << 10), zstd.WithLowerEncoderMem(true)}

// NewWriter starts the first part. target is the compressed size at which a
// part is cut; level is the encoder's level (zframe.Level); opts are extra
// encoder options (LowMemory).
func NewWriter(sink Sink, target int64, level zstd.EncoderLevel, opts ...zstd.EOption) (*Writer, error) {
	if target <= 0 {
		return nil, errors.New("compress: part target size must be positive")
	}
	// Entropy-code the literals of blocks with no match at every level:
	// klauspost's fastest level (the pipeline's default) otherwise stores
	// them raw, so hex or base64 columns (hashes, scanned documents) were
	// stored uncompressed (8 MiB of hex: 1.00 of its size against 0.50 with
	// this, 0.53 at level 3; base64 of random bytes 1.00 against 0.75).
	opts = append([]zstd.EOption{zstd.WithAllLitEntropyCompression(true)}, opts...)
	// Made here to check the options, but empty: zstd allocates an
	// encoder's tables and buffers at its first Reset.
	if _, err := zframe.NewEncoder(level, opts...); err != nil {
		return nil, err
	}
	w := &Writer{sink: sink, target: target, level: level, opts: opts}
	w.out.W = sink
	return w, nil
}

// encoder returns the encoder of the current frame, making it at the
// writer's first write.
func (w *Writer) encoder() (*zstd.Encoder, error) {
	if w.enc == nil {
		enc, err := zframe.NewEncoder(w.level, w.opts...)
		if err != nil {
			return nil, err
		}
		enc.Reset(&w.out)
		w.enc = enc
	}
	return w.enc, nil
}

// Write compresses p into the current part, cutting parts as they fill.
func (w *Writer) Write(p []byte) (int, error) {
	if w.closed {
		return 0, errors.New("compress: writer closed")
	}
	enc, err := w.encoder()
	if err != nil {
		return 0, err
	}
	n := 0
	for len(p) > 0 {
		k, err := enc.Write(p[:min(len(p), step)])
		n += k
		w.plain += int64(k)
		p = p[k:]
		if err != nil {
			return n, err
		}
		if w.out.N >= w.target {
			if err := w.cut(); err != nil {
				return n, err
			}
		}
	}
	return n, nil
}

// cut ends the current frame and part and starts the next.
func (w *Writer) cut() error {
	if err := w.finish(); err != nil {
		return err
	}
	if err := w.sink.Cut(); err != nil {
		return err
	}
	w.out.N, w.plain = 0, 0
	w.enc.Reset(&w.out)
	return nil
}

func (w *Writer) finish() error {
	enc, err := w.encoder()
	if err != nil {
		return err
	}
	if err := enc.Close(); err != nil {
		return err
	}
	w.mu.Lock()
	w.sizes = append(w.sizes, w.plain)
	w.mu.Unlock()
	return nil
}

// Close ends the last frame; the sink's own Close then stores it as the
// last part. An empty stream (or one that ended on a cut) still ends with
// a frame, of nothing.
func (w *Writer) Close() error {
	if w.closed {
		return errors.New("compress: writer closed")
	}
	w.closed = true
	err := w.finish()
	w.enc = nil
	return err
}

// PlainSize returns the plaintext size of finished part i, and whether it
// is finished.
func (w *Writer) PlainSize(i int) (int64, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if i < 0 || i >= len(w.sizes) {
		return 0, false
	}
	return w.sizes[i], true
}
