package verify

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"sync/atomic"

	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/seal"
)

// Stream is the plaintext of one backup's object, checked as it is read.
// Read returns the opened bytes; Finish must follow before anything built
// from them is kept. Not safe for concurrent use.
//
// Three goroutines share the work (ahead): one reads obj from the bucket,
// one hashes the sealed bytes, authenticates, decrypts and decompresses
// them, and the caller's hashes the plaintext and does what it reads it
// for (the archive's checks, a restore's COPY). Each check is the one a
// single goroutine made, on the same bytes in the same order.
type Stream struct {
	m     backup.Manifest
	obj   *objectReader
	plain *seal.Reader
	read  *ahead // obj, read ahead of the sealed stage
	open  *ahead // plain, opened ahead of the caller
	hash  hash.Hash
	n     int64
	err   error
	// What the opening goroutine has read and opened so far.
	objN, parts atomic.Int64
}

// Open starts reading the sealed object obj of the backup described by m.
// The artifact id the parts were sealed for is the manifest's SealedAs.
// Close stops the goroutines reading it: obj is not read after Close.
func Open(ctx context.Context, obj io.Reader, m backup.Manifest, keys seal.KeyLookup) *Stream {
	s := &Stream{m: m, hash: sha256.New()}
	s.read = newAhead(obj, nil)
	s.obj = newObjectReader(ctx, s.read, m)
	s.plain = seal.NewReader(s.obj, m.SealedAs(), keys)
	s.open = newAhead(s.plain, func() { s.objN.Store(s.obj.n); s.parts.Store(int64(s.plain.Parts())) })
	return s
}

// Manifest is the backup being read.
func (s *Stream) Manifest() backup.Manifest { return s.m }

// Read implements io.Reader over the plaintext. Errors are *Failure.
func (s *Stream) Read(p []byte) (int, error) {
	if s.err != nil {
		return 0, s.err
	}
	n, err := s.open.Read(p)
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

// Close stops reading and releases the decoder; it does not close the
// source.
func (s *Stream) Close() error {
	s.open.Close()
	s.read.Close()
	return s.plain.Close()
}

// Parts is the number of parts opened so far.
func (s *Stream) Parts() int { return int(s.parts.Load()) }

// Sizes reports the sealed and plain bytes read so far.
func (s *Stream) Sizes() (object, plain int64) { return s.objN.Load(), s.n }

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
