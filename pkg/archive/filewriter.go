package archive

import "fmt"

// FileWriter writes one logical file as chunk entries. Write buffers up to
// the Writer's chunk size; WriteChunk writes a caller's buffer as one entry
// without copying, for producers that fill their own chunks.
type FileWriter struct {
	w    *Writer
	name string
	d    *digest
	done bool
}

// Write appends p to the file, emitting a chunk entry each time the buffer
// fills.
func (f *FileWriter) Write(p []byte) (int, error) {
	if f.done {
		return 0, fmt.Errorf("archive write %s: file closed", f.name)
	}
	w := f.w
	if w.buf == nil {
		// Start small and grow to the chunk size: an archive of small
		// files (a schema, a small tenant's tables) never needs a whole
		// chunk, and a batch export holds one writer per tenant.
		w.buf = make([]byte, 0, min(w.chunkSize, 64<<10))
	}
	n := 0
	for len(p) > 0 {
		if len(w.buf) == cap(w.buf) && cap(w.buf) < w.chunkSize {
			grown := make([]byte, len(w.buf), min(2*cap(w.buf), w.chunkSize))
			copy(grown, w.buf)
			w.buf = grown
		}
		c := copy(w.buf[len(w.buf):cap(w.buf)], p)
		w.buf = w.buf[:len(w.buf)+c]
		p = p[c:]
		n += c
		if len(w.buf) >= w.chunkSize {
			if err := f.flush(); err != nil {
				return n, err
			}
		}
	}
	return n, nil
}

// WriteChunk writes p as one chunk entry (after any buffered bytes). p may
// be reused once WriteChunk returns.
func (f *FileWriter) WriteChunk(p []byte) error {
	if f.done {
		return fmt.Errorf("archive write %s: file closed", f.name)
	}
	if len(f.w.buf) > 0 {
		if err := f.flush(); err != nil {
			return err
		}
	}
	if len(p) == 0 {
		return nil
	}
	return f.emit(p)
}

// Close flushes the file and returns its facts. An empty file is stored as
// one empty chunk.
func (f *FileWriter) Close() (File, error) {
	if f.done {
		return File{}, fmt.Errorf("archive close %s: file closed", f.name)
	}
	if len(f.w.buf) > 0 || f.d.chunks == 0 {
		if err := f.flush(); err != nil {
			return File{}, err
		}
	}
	f.done = true
	f.w.open = false
	file := f.d.file(f.name)
	f.w.files = append(f.w.files, file)
	return file, nil
}

func (f *FileWriter) flush() error {
	err := f.emit(f.w.buf)
	f.w.buf = f.w.buf[:0]
	return err
}

func (f *FileWriter) emit(p []byte) error {
	if f.d.chunks == maxChunks {
		return fmt.Errorf("archive write %s: more than %d chunks (raise the chunk size)", f.name, maxChunks)
	}
	f.d.chunks++
	if err := f.w.writeEntry(chunkName(f.name, f.d.chunks), p); err != nil {
		return fmt.Errorf("archive write %s: %w", f.name, err)
	}
	f.d.Write(p)
	return nil
}
