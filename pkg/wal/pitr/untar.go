package pitr

import (
	"archive/tar"
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// untar writes the tar stream into dir, which exists. Directories get 0700
// and files 0600, as PostgreSQL wants them. Entry names that would leave dir
// and links are refused: a base backup written to stdout has neither. Each
// written file is handed to d, which fsyncs and closes it.
func untar(r io.Reader, dir string, d *durable) (files int, bytes int64, err error) {
	tr := tar.NewReader(r)
	buf := bufio.NewWriterSize(nil, 1<<20)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return files, bytes, nil
		}
		if err != nil {
			return files, bytes, fmt.Errorf("read tar: %w", err)
		}
		p, err := within(dir, h.Name)
		if err != nil {
			return files, bytes, err
		}
		switch h.Typeflag {
		case tar.TypeDir:
			if err := os.MkdirAll(p, 0o700); err != nil {
				return files, bytes, err
			}
		case tar.TypeReg:
			n, err := writeFile(p, tr, buf, d)
			bytes += n
			if err != nil {
				return files, bytes, err
			}
			files++
		default:
			return files, bytes, fmt.Errorf("tar entry %s: type %q not supported (tablespaces?)", h.Name, h.Typeflag)
		}
	}
}

func writeFile(p string, r io.Reader, buf *bufio.Writer, d *durable) (int64, error) {
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		return 0, err
	}
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return 0, err
	}
	buf.Reset(f)
	n, err := io.Copy(buf, r)
	if err == nil {
		err = buf.Flush()
	}
	if err != nil {
		_ = f.Close() // the write's error is the one to report
		return n, err
	}
	d.Close(f)
	return n, nil
}

// within joins name to dir, refusing names that leave it (absolute, empty,
// or climbing out through "..").
func within(dir, name string) (string, error) {
	rel := filepath.FromSlash(name)
	if !filepath.IsLocal(rel) {
		return "", errors.New("tar entry " + name + " leaves the data directory")
	}
	return filepath.Join(dir, rel), nil
}
