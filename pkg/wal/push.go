package wal

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/arcabackup/arca/pkg/objstore"
	"github.com/arcabackup/arca/pkg/seal"
)

// PushResult tells what Push did.
type PushResult struct {
	Key      string
	Plain    int64 // bytes of the WAL file
	Sealed   int64 // bytes stored (0 when it was already archived)
	Existed  bool  // the archive already held the same file
	Duration time.Duration
}

// Push archives the WAL file at path (archive_command's %p): it seals it
// and stores it under wal/<timeline>/<name>. It returns nil only once the
// object is durable in the store (see the package doc). Pushing a file that
// is already archived with the same content succeeds without writing;
// another content under the same name is a *ConflictError.
func Push(ctx context.Context, cfg Config, path string) (PushResult, error) {
	start := time.Now()
	res, err := push(ctx, cfg, path)
	res.Duration = time.Since(start)
	if err != nil {
		return res, fmt.Errorf("wal-push %s: %w", filepath.Base(path), err)
	}
	return res, nil
}

func push(ctx context.Context, cfg Config, path string) (PushResult, error) {
	if err := cfg.validate(); err != nil {
		return PushResult{}, err
	}
	f, err := ParseName(filepath.Base(path))
	if err != nil {
		return PushResult{}, err
	}
	plain, err := os.ReadFile(path)
	if err != nil {
		return PushResult{}, err
	}
	return putPlain(ctx, cfg, f, plain)
}

// putPlain is the one put path of a whole WAL file, whoever read it
// (wal-push and the agent from pg_wal, wal-receive from the stream): an
// object already there with the same plaintext is left alone (Existed),
// another plaintext is a *ConflictError; a file not archived yet passes the
// guards (guard.go) and is sealed and stored.
func putPlain(ctx context.Context, cfg Config, f File, plain []byte) (PushResult, error) {
	// A long-lived process (one Sealer, keys loaded: the agent) seals while
	// the checks run and stores the result only if they pass; a process per
	// file does not, so that a file already archived needs no keyring.
	var early chan sealedFile
	if cfg.Sealer != nil {
		early = make(chan sealedFile, 1)
		sctx, cancel := context.WithCancel(ctx)
		defer cancel()
		go func() {
			buf, sealedSum, err := sealWAL(sctx, cfg, f, plain)
			early <- sealedFile{buf, sealedSum, err}
		}()
	}
	sum := sha256.Sum256(plain)
	res := PushResult{Key: cfg.Key(f), Plain: int64(len(plain))}

	same, err := archivedSame(ctx, cfg, f, res.Key, hex.EncodeToString(sum[:]))
	switch {
	case err == nil:
		res.Existed = same
		return res, nil
	case !errors.Is(err, objstore.ErrNotFound):
		return res, err
	}
	// A file not archived yet must come from the archive's cluster and
	// from a timeline that cluster had.
	if err := guard(ctx, cfg, f, plain); err != nil {
		return res, err
	}
	if early == nil {
		res.Sealed, err = putSealed(ctx, cfg, f, res.Key, plain, sum)
		return res, err
	}
	sf := <-early
	if sf.err != nil {
		return res, sf.err
	}
	res.Sealed, err = storeSealed(ctx, cfg, res.Key, sf.buf, sf.sum, sum)
	return res, err
}

// sealedFile is what sealWAL returned.
type sealedFile struct {
	buf *bytes.Buffer
	sum [32]byte
	err error
}

// archivedSame looks for the object. It returns objstore.ErrNotFound when
// there is none, nil when it holds the plaintext with SHA-256 want, and a
// *ConflictError when it holds another.
func archivedSame(ctx context.Context, cfg Config, f File, key, want string) (bool, error) {
	info, err := cfg.Store.Stat(ctx, key)
	if err != nil {
		return false, err
	}
	got := info.Tags[TagPlainSHA256]
	if got == "" { // tags lost (copied bucket, no tagging permission): open it
		if got, err = plainSHA256(ctx, cfg, f, key); err != nil {
			return false, fmt.Errorf("check archived %s: %w", key, err)
		}
	}
	if got != want {
		return false, &ConflictError{Key: key, Archived: got, Push: want}
	}
	return true, nil
}

// plainSHA256 opens an archived file and hashes its plaintext.
func plainSHA256(ctx context.Context, cfg Config, f File, key string) (string, error) {
	rc, err := cfg.Store.Get(ctx, key, objstore.Range{})
	if err != nil {
		return "", err
	}
	defer func() { _ = rc.Close() }() // read side: a close error loses nothing
	h := sha256.New()
	if _, err := seal.Open(ctx, h, rc, ArtifactID(f), cfg.Keys); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
