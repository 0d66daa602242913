package basebackup

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"hash"
	"io"
	"sync"

	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/seal"
)

// sealedStream counts and hashes what is written to the artifact object,
// whole and per part.
type sealedStream struct {
	w     io.Writer
	n     int64
	whole hash.Hash
	part  hash.Hash
}

func (s *sealedStream) Write(p []byte) (int, error) {
	n, err := s.w.Write(p)
	s.n += int64(n)
	s.whole.Write(p[:n])
	s.part.Write(p[:n])
	return n, err
}

// sealJob is one part on its way: read, sealed by a worker, written in order.
type sealJob struct {
	index  int
	plain  []byte
	done   chan struct{} // closed once sealed or err is set
	sealed bytes.Buffer
	st     seal.Stats
	err    error
}

// sealParts cuts src into parts of partSize plaintext bytes, seals each
// (Last=false) on one of workers goroutines and writes them to dst in order,
// then writes an empty part marked Last. It returns the parts as the
// manifest records them and the SHA-256 of all sealed bytes.
//
// Compression and encryption are the CPU of a base backup: one goroutine
// reads, workers seal parts side by side (pgBackRest's process-max), and the
// caller's goroutine writes, so reading, sealing and uploading overlap. At
// most workers+2 parts are held in memory, in plaintext and sealed.
func sealParts(ctx context.Context, dst io.Writer, src io.Reader, artifact string, kek seal.KEK, partSize int64, workers int) ([]backup.Part, []byte, error) {
	sealer, err := seal.NewSealer()
	if err != nil {
		return nil, nil, err
	}
	workers = max(workers, 1)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	// Buffers go round: at most workers+2 plaintext parts exist at once.
	free := make(chan []byte, workers+2)
	for range workers + 2 {
		free <- nil // allocated on first use
	}
	jobs := make(chan *sealJob)
	order := make(chan *sealJob, workers+1)
	var readErr error
	var wg sync.WaitGroup
	wg.Go(func() { // the reader: full parts until one comes short (possibly empty)
		defer close(jobs)
		defer close(order)
		for i := 0; ; i++ {
			if ctx.Err() != nil {
				return // the writer failed: read no further (a select would pick at random)
			}
			var buf []byte
			select {
			case buf = <-free:
			case <-ctx.Done():
				return
			}
			if buf == nil {
				buf = make([]byte, partSize)
			}
			n, err := io.ReadFull(src, buf)
			if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
				readErr = err
				cancel()
				return
			}
			j := &sealJob{index: i, plain: buf[:n], done: make(chan struct{})}
			select {
			case order <- j:
			case <-ctx.Done():
				return
			}
			select {
			case jobs <- j:
			case <-ctx.Done():
				return
			}
			if int64(n) < partSize {
				return
			}
		}
	})
	for range workers {
		wg.Go(func() {
			for j := range jobs {
				if ctx.Err() == nil {
					j.sealed.Grow(len(j.plain) + len(j.plain)/64 + 4096)
					j.st, j.err = sealer.Seal(ctx, &j.sealed, bytes.NewReader(j.plain),
						seal.Part{Artifact: artifact, Index: uint32(j.index)}, kek)
				} else {
					j.err = ctx.Err()
				}
				free <- j.plain[:cap(j.plain)]
				j.plain = nil
				close(j.done)
			}
		})
	}

	out := &sealedStream{w: dst, whole: sha256.New(), part: sha256.New()}
	var parts []backup.Part
	add := func(st seal.Stats, off int64) {
		parts = append(parts, backup.Part{Index: len(parts), Offset: off, Size: out.n - off,
			SHA256: hex.EncodeToString(out.part.Sum(nil)), PlainSize: st.Plain, KeyID: kek.ID})
		out.part.Reset()
	}
	write := func() error {
		for j := range order {
			select {
			case <-j.done:
			case <-ctx.Done():
				return ctx.Err()
			}
			if j.err != nil {
				return j.err
			}
			off := out.n
			if _, err := j.sealed.WriteTo(out); err != nil {
				return err
			}
			add(j.st, off)
		}
		return nil
	}
	err = write()
	if err != nil {
		cancel()
	}
	for range order { // let the reader finish after an error
	}
	wg.Wait()
	if readErr != nil {
		return nil, nil, readErr
	}
	if err != nil {
		return nil, nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	off := out.n
	st, err := sealer.Seal(ctx, out, eofReader{}, seal.Part{Artifact: artifact, Index: uint32(len(parts)), Last: true}, kek)
	if err != nil {
		return nil, nil, err
	}
	add(st, off)
	return parts, out.whole.Sum(nil), nil
}

type eofReader struct{}

func (eofReader) Read([]byte) (int, error) { return 0, io.EOF }
