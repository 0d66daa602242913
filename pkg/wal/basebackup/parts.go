package basebackup

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"io"

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

// sealParts cuts src into parts of partSize plaintext bytes, seals each
// (Last=false) and writes them to dst, then writes an empty part marked Last.
// It returns the parts as the manifest records them and the SHA-256 of all
// sealed bytes.
func sealParts(ctx context.Context, dst io.Writer, src io.Reader, artifact string, kek seal.KEK, partSize int64) ([]backup.Part, []byte, error) {
	sealer, err := seal.NewSealer()
	if err != nil {
		return nil, nil, err
	}
	out := &sealedStream{w: dst, whole: sha256.New(), part: sha256.New()}
	var parts []backup.Part
	add := func(st seal.Stats, off int64) {
		parts = append(parts, backup.Part{Index: len(parts), Offset: off, Size: out.n - off,
			SHA256: hex.EncodeToString(out.part.Sum(nil)), PlainSize: st.Plain, KeyID: kek.ID})
		out.part.Reset()
	}
	for {
		off := out.n
		lr := &io.LimitedReader{R: src, N: partSize}
		st, err := sealer.Seal(ctx, out, lr, seal.Part{Artifact: artifact, Index: uint32(len(parts))}, kek)
		if err != nil {
			return nil, nil, err
		}
		add(st, off)
		if lr.N > 0 { // the source ended inside this part
			break
		}
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
