package archive

import (
	"fmt"
	"io"
)

// Entry is one logical file of an archive, read across its chunks. With a
// manifest given up front, reading past the end of a file that does not
// match returns an error wrapping ErrCorrupt instead of io.EOF, so a restore
// streaming it into COPY FROM aborts that COPY.
type Entry struct {
	Name string
	// Expected is the manifest's entry for this file, when the Reader was
	// given the manifest up front.
	Expected *File

	r    *Reader
	d    *digest
	done bool
	err  error
}

// Read reads the file's content.
func (e *Entry) Read(p []byte) (int, error) {
	if e.done {
		return 0, e.err
	}
	if len(p) == 0 {
		return 0, nil
	}
	for {
		n, err := e.r.tr.Read(p)
		e.d.Write(p[:n])
		if err == nil || (err == io.EOF && n > 0) {
			return n, nil
		}
		if err != io.EOF {
			return n, e.finish(fmt.Errorf("archive: read %s: %w: %w", e.Name, ErrCorrupt, err))
		}
		more, err := e.nextChunk()
		if err != nil {
			return 0, e.finish(err)
		}
		if !more {
			return 0, e.finish(nil)
		}
	}
}

// nextChunk moves to the file's next chunk entry, or reports that the file
// ended (leaving the next header pending).
func (e *Entry) nextChunk() (bool, error) {
	h, err := e.r.header()
	if err == io.EOF {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	name, seq, ok := splitChunkName(h.Name)
	if !ok || name != e.Name {
		e.r.pending = h
		return false, nil
	}
	if seq != e.d.chunks+1 {
		return false, fmt.Errorf("archive: file %s: chunk %d after chunk %d: %w", e.Name, seq, e.d.chunks, ErrCorrupt)
	}
	e.d.chunks++
	return true, nil
}

// finish records the file's facts and checks them against the expected
// manifest entry, if any.
func (e *Entry) finish(err error) error {
	e.done = true
	if err == nil {
		got := e.d.file(e.Name)
		if e.Expected != nil {
			err = compareFile(got, *e.Expected)
		}
		e.r.files = append(e.r.files, got)
	}
	if err == nil {
		err = io.EOF
	}
	e.err = err
	return err
}
