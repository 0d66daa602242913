package verify

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"io"

	"github.com/arcabackup/arca/pkg/backup"
)

// objectReader hashes the sealed bytes as seal reads them: each part
// against manifest.object.parts as soon as its last byte passes, and the
// whole object at the end.
type objectReader struct {
	ctx   context.Context
	src   io.Reader
	m     backup.Manifest
	whole hash.Hash
	part  hash.Hash
	idx   int   // part being hashed
	left  int64 // bytes left in it
	n     int64
	err   error
}

func newObjectReader(ctx context.Context, src io.Reader, m backup.Manifest) *objectReader {
	r := &objectReader{ctx: ctx, src: src, m: m, whole: sha256.New(), part: sha256.New()}
	if len(m.Object.Parts) > 0 {
		r.left = m.Object.Parts[0].Size
	}
	return r
}

func (r *objectReader) Read(p []byte) (int, error) {
	if r.err != nil {
		return 0, r.err
	}
	if err := r.ctx.Err(); err != nil {
		return 0, &Failure{BackupID: r.m.BackupID, Stage: StageRead, Part: -1, Err: err}
	}
	n, err := r.src.Read(p)
	r.whole.Write(p[:n])
	r.n += int64(n)
	if perr := r.parts(p[:n]); perr != nil {
		r.err = perr
		return n, perr
	}
	if err != nil && err != io.EOF {
		err = &Failure{BackupID: r.m.BackupID, Stage: StageRead, Part: r.idx, Err: err}
	}
	return n, err
}

// parts feeds b to the per-part hashes, checking each part as it completes.
func (r *objectReader) parts(b []byte) error {
	for len(b) > 0 {
		if r.idx >= len(r.m.Object.Parts) {
			return r.fail(-1, fmt.Errorf("object longer than the %d bytes the manifest lists", r.m.Object.Size))
		}
		k := min(int64(len(b)), r.left)
		r.part.Write(b[:k])
		b, r.left = b[k:], r.left-k
		if r.left > 0 {
			continue
		}
		want := r.m.Object.Parts[r.idx]
		if got := hex.EncodeToString(r.part.Sum(nil)); got != want.SHA256 {
			return r.fail(r.idx, fmt.Errorf("sha256 %s, manifest says %s", got, want.SHA256))
		}
		r.part.Reset()
		r.idx++
		if r.idx < len(r.m.Object.Parts) {
			r.left = r.m.Object.Parts[r.idx].Size
		}
	}
	return nil
}

// check compares the totals once the source ended.
func (r *objectReader) check() error {
	if r.err != nil {
		return r.err
	}
	if r.n != r.m.Object.Size {
		return r.fail(r.idx, fmt.Errorf("object is %d bytes, manifest says %d", r.n, r.m.Object.Size))
	}
	if got := hex.EncodeToString(r.whole.Sum(nil)); got != r.m.Object.SHA256 {
		return r.fail(-1, fmt.Errorf("object sha256 %s, manifest says %s", got, r.m.Object.SHA256))
	}
	return nil
}

func (r *objectReader) fail(part int, err error) error {
	return &Failure{BackupID: r.m.BackupID, Stage: StageObject, Part: part, Err: err}
}
