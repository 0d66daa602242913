package archive

import (
	"archive/tar"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"
)

// DefaultChunkSize bounds a chunk entry, and so the memory a Writer (and
// the exporter's COPY sessions, Parallelism+1 chunks) buffers. 2 MiB costs
// one 512-byte tar header per 2 MiB, keeps an export's buffers at a few MiB
// whatever the table's size (8 MiB before issue 17), and still allows files
// of almost 2 TiB (999,999 chunks).
const DefaultChunkSize = 2 << 20

// Writer writes a tenant archive to a stream. One file is open at a time;
// Close writes the manifest as the last entry. A Writer is not safe for
// concurrent use: parallel producers hand it whole chunks in turn.
type Writer struct {
	tw        *tar.Writer
	chunkSize int
	modTime   time.Time
	buf       []byte
	files     []File
	names     map[string]bool
	open      bool
	closed    bool
}

// WriterOption configures a Writer.
type WriterOption func(*Writer)

// WithChunkSize sets the largest chunk Write buffers (default 2 MiB).
func WithChunkSize(n int) WriterOption {
	return func(w *Writer) {
		if n > 0 {
			w.chunkSize = n
		}
	}
}

// WithModTime sets the modification time recorded in every tar header
// (default: the Unix epoch, so archives of equal content are equal).
func WithModTime(t time.Time) WriterOption {
	return func(w *Writer) { w.modTime = t }
}

// NewWriter returns a Writer that writes the archive to out.
func NewWriter(out io.Writer, opts ...WriterOption) *Writer {
	w := &Writer{tw: tar.NewWriter(out), chunkSize: DefaultChunkSize, modTime: time.Unix(0, 0), names: map[string]bool{}}
	for _, o := range opts {
		o(w)
	}
	return w
}

// ChunkSize returns the chunk size Write buffers up to.
func (w *Writer) ChunkSize() int { return w.chunkSize }

// Create starts a logical file. csv marks a CSV file with a header row whose
// data rows are counted. The file must be closed before the next is created.
func (w *Writer) Create(name string, csv bool) (*FileWriter, error) {
	switch {
	case w.closed:
		return nil, fmt.Errorf("archive create %s: writer closed", name)
	case w.open:
		return nil, fmt.Errorf("archive create %s: another file is open", name)
	case name == "" || name == ManifestName || w.names[name]:
		return nil, fmt.Errorf("archive create %s: name empty, reserved or repeated", name)
	}
	w.open = true
	w.names[name] = true
	return &FileWriter{w: w, name: name, d: newDigest(csv)}, nil
}

// WriteFile copies r into a new logical file and returns its facts.
func (w *Writer) WriteFile(name string, r io.Reader, csv bool) (File, error) {
	fw, err := w.Create(name, csv)
	if err != nil {
		return File{}, err
	}
	if _, err := io.Copy(fw, r); err != nil {
		return File{}, fmt.Errorf("archive write %s: %w", name, err)
	}
	return fw.Close()
}

// Files returns the facts of the files written so far, in archive order.
func (w *Writer) Files() []File { return append([]File(nil), w.files...) }

// Close sets m.Files to the files written, validates m, writes it as the
// last entry and closes the tar stream. It does not close the underlying
// writer.
func (w *Writer) Close(m Manifest) (Manifest, error) {
	if w.open {
		return m, errors.New("archive close: a file is still open")
	}
	if w.closed {
		return m, errors.New("archive close: already closed")
	}
	w.closed = true
	m.Files = w.Files()
	if m.FormatVersion == 0 {
		m.FormatVersion = FormatVersion
	}
	if err := m.Validate(); err != nil {
		return m, fmt.Errorf("archive close: %w", err)
	}
	body, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return m, fmt.Errorf("archive close: encode manifest: %w", err)
	}
	if err := w.writeEntry(ManifestName, body); err != nil {
		return m, fmt.Errorf("archive close: %w", err)
	}
	if err := w.tw.Close(); err != nil {
		return m, fmt.Errorf("archive close: %w", err)
	}
	return m, nil
}

func (w *Writer) writeEntry(name string, p []byte) error {
	hdr := &tar.Header{Typeflag: tar.TypeReg, Name: name, Size: int64(len(p)), Mode: 0o600, ModTime: w.modTime}
	if err := w.tw.WriteHeader(hdr); err != nil {
		return fmt.Errorf("write header %s: %w", name, err)
	}
	if _, err := w.tw.Write(p); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	return nil
}
