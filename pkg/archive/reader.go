package archive

import (
	"archive/tar"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// maxManifestSize bounds the manifest a Reader will parse.
const maxManifestSize = 64 << 20

// Reader walks an archive as a stream, one logical file at a time, checking
// every file against the manifest. It is not safe for concurrent use.
type Reader struct {
	tr       *tar.Reader
	expected *Manifest
	pending  *tar.Header
	tarEOF   bool
	cur      *Entry
	files    []File
	names    map[string]bool
	manifest *Manifest
	err      error
}

// ReaderOption configures a Reader.
type ReaderOption func(*Reader)

// WithManifest gives the Reader the manifest up front (the copy stored next
// to the object). Each file is then verified as soon as it ends, and the
// archive's own manifest must equal it.
func WithManifest(m Manifest) ReaderOption {
	return func(r *Reader) { r.expected = &m }
}

// NewReader returns a Reader of the archive in src.
func NewReader(src io.Reader, opts ...ReaderOption) *Reader {
	r := &Reader{tr: tar.NewReader(src), names: map[string]bool{}}
	for _, o := range opts {
		o(r)
	}
	return r
}

// Next advances to the next logical file, reading and verifying any rest of
// the current one. After the last file it reads and checks the manifest and
// returns io.EOF; any mismatch is an error wrapping ErrCorrupt.
func (r *Reader) Next() (*Entry, error) {
	if r.err != nil {
		return nil, r.err
	}
	if r.cur != nil {
		if _, err := io.Copy(io.Discard, r.cur); err != nil {
			return nil, r.fail(err)
		}
		r.cur = nil
	}
	hdr, err := r.header()
	if err == io.EOF {
		return nil, r.fail(fmt.Errorf("archive: ends without %s: %w", ManifestName, ErrCorrupt))
	}
	if err != nil {
		return nil, r.fail(err)
	}
	if hdr.Name == ManifestName {
		if err := r.readManifest(); err != nil {
			return nil, r.fail(err)
		}
		r.err = io.EOF
		return nil, io.EOF
	}
	name, seq, ok := splitChunkName(hdr.Name)
	if !ok || seq != 1 || r.names[name] || hdr.Typeflag != tar.TypeReg {
		return nil, r.fail(fmt.Errorf("archive: unexpected entry %q: %w", hdr.Name, ErrCorrupt))
	}
	r.names[name] = true
	e := &Entry{Name: name, r: r, d: newDigest(true)}
	e.d.chunks = 1
	if r.expected != nil {
		i := len(r.files)
		if i >= len(r.expected.Files) || r.expected.Files[i].Name != name {
			return nil, r.fail(fmt.Errorf("archive: file %s not expected at position %d: %w", name, i, ErrCorrupt))
		}
		f := r.expected.Files[i]
		e.Expected = &f
	}
	r.cur = e
	return e, nil
}

// Manifest returns the archive's manifest once Next has returned io.EOF.
func (r *Reader) Manifest() (Manifest, bool) {
	if r.manifest == nil {
		return Manifest{}, false
	}
	return *r.manifest, true
}

func (r *Reader) header() (*tar.Header, error) {
	if h := r.pending; h != nil {
		r.pending = nil
		return h, nil
	}
	if r.tarEOF {
		return nil, io.EOF
	}
	h, err := r.tr.Next()
	if err == io.EOF {
		r.tarEOF = true
		return nil, io.EOF
	}
	if err != nil {
		return nil, fmt.Errorf("archive: read tar header: %w: %w", ErrCorrupt, err)
	}
	return h, nil
}

func (r *Reader) fail(err error) error {
	r.err = err
	return err
}

func (r *Reader) readManifest() error {
	body, err := io.ReadAll(io.LimitReader(r.tr, maxManifestSize+1))
	if err != nil {
		return fmt.Errorf("archive: read manifest: %w: %w", ErrCorrupt, err)
	}
	if len(body) > maxManifestSize {
		return fmt.Errorf("archive: manifest larger than %d bytes: %w", maxManifestSize, ErrCorrupt)
	}
	var m Manifest
	if err := json.Unmarshal(body, &m); err != nil {
		return fmt.Errorf("archive: decode manifest: %w: %w", ErrCorrupt, err)
	}
	if err := m.Validate(); err != nil {
		return fmt.Errorf("archive: %w", err)
	}
	if _, err := r.tr.Next(); err != io.EOF {
		return fmt.Errorf("archive: entries after %s: %w", ManifestName, ErrCorrupt)
	}
	if r.expected != nil && !sameFiles(r.expected.Files, m.Files) {
		return fmt.Errorf("archive: manifest differs from the expected one: %w", ErrCorrupt)
	}
	if r.expected != nil && r.expected.Tenant.ID != m.Tenant.ID {
		return fmt.Errorf("archive: export of tenant %q, expected tenant %q: %w", m.Tenant.ID, r.expected.Tenant.ID, ErrCorrupt)
	}
	if len(m.Files) != len(r.files) {
		return fmt.Errorf("archive: %d files, manifest lists %d: %w", len(r.files), len(m.Files), ErrCorrupt)
	}
	var errs []error
	for i, got := range r.files {
		if err := compareFile(got, m.Files[i]); err != nil {
			errs = append(errs, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	r.manifest = &m
	return nil
}

func sameFiles(a, b []File) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// compareFile checks computed facts against the manifest's; got always has
// rows counted, which matter only for CSV files.
func compareFile(got, want File) error {
	switch {
	case got.Name != want.Name:
		return fmt.Errorf("archive: file %s where manifest lists %s: %w", got.Name, want.Name, ErrCorrupt)
	case got.Size != want.Size || got.SHA256 != want.SHA256:
		return fmt.Errorf("archive: file %s: sha256 %s (%d bytes), manifest says %s (%d bytes): %w",
			got.Name, got.SHA256, got.Size, want.SHA256, want.Size, ErrCorrupt)
	case got.Chunks != want.Chunks:
		return fmt.Errorf("archive: file %s: %d chunks, manifest says %d: %w", got.Name, got.Chunks, want.Chunks, ErrCorrupt)
	case want.CSV && got.Rows != want.Rows:
		return fmt.Errorf("archive: file %s: %d rows, manifest says %d: %w", got.Name, got.Rows, want.Rows, ErrCorrupt)
	}
	return nil
}
