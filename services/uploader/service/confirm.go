package service

import (
	"bytes"
	"context"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/jobs"
	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/pkg/objstore"
)

// confirmWait bounds how long a commit waits for its completed object to
// become visible before it hands the job back to try again later.
const confirmWait = 30 * time.Second

// confirmObject holds the commit point back until the completed object is
// visible in the bucket (a HEAD) with the manifest's size and checksum: the
// manifest must never be visible before the data it commits. Some servers
// finish a multipart completion, or show a fresh object, a moment after
// answering; the wait absorbs that. A size or checksum that differs is not
// the artifact this manifest describes: the commit is refused for good.
func (s *Service) confirmObject(ctx context.Context, man backup.Manifest) error {
	info, err := s.waitVisible(ctx, man.Object.Key)
	if err != nil {
		return jobs.RetryAfter(5*time.Second, fmt.Errorf("commit %s: object not confirmed: %w", man.BackupID, err))
	}
	return checkObject(man, info)
}

// waitVisible heads key (objstore.Head: no tags, which the checks do not
// read; one request on S3) until it answers, for up to confirmWait.
func (s *Service) waitVisible(ctx context.Context, key string) (objstore.ObjectInfo, error) {
	delay := 50 * time.Millisecond
	deadline := time.Now().Add(confirmWait)
	for {
		info, err := objstore.Head(ctx, s.store, key)
		if err == nil || time.Now().After(deadline) {
			return info, err
		}
		select {
		case <-ctx.Done():
			return info, ctx.Err()
		case <-time.After(delay):
		}
		delay = min(2*delay, 2*time.Second)
	}
}

// checkObject compares what the bucket says of the object with the manifest.
func checkObject(man backup.Manifest, info objstore.ObjectInfo) error {
	bad := func(what string) error {
		return jobs.Permanent(fmt.Errorf("commit %s: object %s has another %s than the artifact", man.BackupID, man.Object.Key, what))
	}
	if info.Size != man.Object.Size {
		return bad(fmt.Sprintf("size (%d bytes, want %d)", info.Size, man.Object.Size))
	}
	if info.SHA256 != nil {
		want, err := hex.DecodeString(man.Object.SHA256)
		if err != nil || !bytes.Equal(want, info.SHA256) {
			return bad("SHA-256")
		}
	}
	if info.CompositeSHA256 != nil && info.Parts == len(man.Object.Parts) {
		digests := make([][]byte, len(man.Object.Parts))
		for i, p := range man.Object.Parts {
			d, err := hex.DecodeString(p.SHA256)
			if err != nil {
				return bad("part checksum")
			}
			digests[i] = d
		}
		if !bytes.Equal(objstore.CompositeSHA256(digests), info.CompositeSHA256) {
			return bad("composite SHA-256")
		}
	}
	return nil
}

// committedBy reports whether the artifact's backup is already committed by
// this very artifact: a commit repeated after a time-out, or run by two
// handlers at once (each part's handler may find the chain complete), has
// nothing left to do and succeeds.
func (s *Service) committedBy(ctx context.Context, m messages.PartSealed) (bool, error) {
	var c commitRecord
	found, err := s.state.get(ctx, commitKey(m.BackupID), &c)
	if err != nil {
		return false, err
	}
	return found && c.Committed && c.Artifact == m.Artifact, nil
}

// alreadyCommitted turns a failure found while committing (facts, part
// records or the upload gone) into success when a concurrent or earlier
// commit of the same artifact finished meanwhile, and returns err otherwise.
func (s *Service) alreadyCommitted(ctx context.Context, m messages.PartSealed, err error) error {
	if done, cerr := s.committedBy(ctx, m); cerr == nil && done {
		return nil
	}
	return err
}
