package verify

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"io"

	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/seal"
)

// Stream is the plaintext of one backup's object, checked as it is read.
// Read returns the opened bytes; Finish must follow before anything built
// from them is kept. Not safe for concurrent use.
type Stream struct {
	m     backup.Manifest
	obj   *objectReader
	plain *seal.Reader
	hash  hash.Hash
	n     int64
	err   error
}

// Open starts reading the sealed object obj of the backup described by m.
// The artifact id the parts were sealed for is the manifest's SealedAs.
func Open(ctx context.Context, obj io.Reader, m backup.Manifest, keys seal.KeyLookup) *Stream {
	o := newObjectReader(ctx, obj, m)
	return &Stream{m: m, obj: o, plain: seal.NewReader(o, m.SealedAs(), keys), hash: sha256.New()}
}

// Manifest is the backup being read.
func (s *Stream) Manifest() backup.Manifest { return s.m }

// Read implements io.Reader over the plaintext. Errors are *Failure.
func (s *Stream) Read(p []byte) (int, error) {
	if s.err != nil {
		return 0, s.err
	}
	n, err := s.plain.Read(p)
	s.hash.Write(p[:n])
	s.n += int64(n)
	switch {
	case err == io.EOF:
		if cerr := s.check(); cerr != nil {
			s.err = cerr
			return n, cerr
		}
		s.err = io.EOF
	case err != nil:
		s.err = classify(s.m.BackupID, err)
	}
	return n, s.err
}

// Finish reads whatever is left (so that seal authenticates the last part
// and the totals can be compared) and reports whether the whole object
// verified. Plaintext read before a non-nil Finish must be discarded.
func (s *Stream) Finish() error {
	_, err := io.Copy(io.Discard, s)
	if err != nil {
		return err
	}
	if s.err != io.EOF {
		return s.err
	}
	return nil
}

// Close releases the decoder; it does not close the source.
func (s *Stream) Close() error { return s.plain.Close() }

// Parts is the number of parts opened so far.
func (s *Stream) Parts() int { return s.plain.Parts() }

// Sizes reports the sealed and plain bytes read so far.
func (s *Stream) Sizes() (object, plain int64) { return s.obj.n, s.n }

func (s *Stream) check() error {
	if err := s.obj.check(); err != nil {
		return err
	}
	if s.m.PlainSize > 0 && s.n != s.m.PlainSize {
		return &Failure{BackupID: s.m.BackupID, Stage: StagePlain, Part: -1,
			Err: fmt.Errorf("plaintext is %d bytes, manifest says %d", s.n, s.m.PlainSize)}
	}
	if s.m.PlainSHA256 != "" {
		if got := hex.EncodeToString(s.hash.Sum(nil)); got != s.m.PlainSHA256 {
			return &Failure{BackupID: s.m.BackupID, Stage: StagePlain, Part: -1,
				Err: fmt.Errorf("plaintext sha256 %s, manifest says %s", got, s.m.PlainSHA256)}
		}
	}
	return nil
}
