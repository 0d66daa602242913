package formatdoc

import (
	"archive/tar"
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
)

// File is one logical file of a tenant archive (§10.1).
type File struct {
	Name   string
	Data   []byte
	Chunks int
}

var chunkName = regexp.MustCompile(`^(.+)\.([0-9]{6})$`)

// TenantArchive reads a tenant archive (§10.1): the logical files in order,
// their chunks joined, and the archive manifest (the last entry).
func TenantArchive(plain []byte) (files []File, manifest []byte, err error) {
	tr := tar.NewReader(bytes.NewReader(plain))
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, nil, err
		}
		if manifest != nil {
			return nil, nil, fmt.Errorf("entry %s after manifest.json", h.Name)
		}
		if h.Typeflag != tar.TypeReg {
			return nil, nil, fmt.Errorf("entry %s is not a regular file", h.Name)
		}
		b, err := io.ReadAll(tr)
		if err != nil {
			return nil, nil, err
		}
		if h.Name == "manifest.json" {
			manifest = b
			continue
		}
		m := chunkName.FindStringSubmatch(h.Name)
		if m == nil {
			return nil, nil, fmt.Errorf("entry %s is not a chunk", h.Name)
		}
		seq, _ := strconv.Atoi(m[2])
		if n := len(files); n > 0 && files[n-1].Name == m[1] && seq == files[n-1].Chunks+1 {
			files[n-1].Data = append(files[n-1].Data, b...)
			files[n-1].Chunks = seq
			continue
		}
		if seq != 1 {
			return nil, nil, fmt.Errorf("entry %s out of sequence", h.Name)
		}
		files = append(files, File{Name: m[1], Data: b, Chunks: 1})
	}
	if manifest == nil {
		return nil, nil, errors.New("no manifest.json at the end")
	}
	return files, manifest, nil
}
