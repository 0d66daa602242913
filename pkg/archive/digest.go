package archive

import (
	"crypto/sha256"
	"encoding/hex"
	"hash"
)

// digest accumulates the verifiable facts of one logical file.
type digest struct {
	h      hash.Hash
	size   int64
	chunks int
	csv    bool
	rows   csvCounter
}

func newDigest(csv bool) *digest {
	return &digest{h: sha256.New(), csv: csv}
}

func (d *digest) Write(p []byte) {
	d.h.Write(p)
	d.size += int64(len(p))
	if d.csv {
		d.rows.Write(p)
	}
}

func (d *digest) file(name string) File {
	f := File{Name: name, Size: d.size, SHA256: hex.EncodeToString(d.h.Sum(nil)), Chunks: d.chunks, CSV: d.csv}
	if d.csv {
		f.Rows = d.rows.dataRows()
	}
	return f
}
