package service

import (
	"context"
	"crypto/sha256"
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/arcabackup/arca/pkg/jobs"
	"github.com/arcabackup/arca/pkg/staging"
)

// advance extends the whole-object SHA-256 over every part that is
// uploaded and next in order, deleting each staged part once it is hashed.
// Every handler calls it after its own upload, so no handler waits for
// another and the chain always reaches the end: the handler that uploads
// the part the chain was waiting for carries it on. Concurrent advancers
// are serialised by a compare-and-set on the head record. It returns the
// head when the last part is hashed, nil otherwise.
func (s *Service) advance(ctx context.Context, artifact string) (*headRecord, error) {
	key := artifactKey(artifact, "head")
	for {
		head, rev, err := s.head(ctx, key)
		if err != nil {
			return nil, err
		}
		if head.Total > 0 {
			return &head, nil
		}
		var part partRecord
		found, err := s.state.get(ctx, partKey(artifact, head.Next), &part)
		if err != nil || !found {
			return nil, err // the next part is not uploaded yet: its handler carries on
		}
		next, err := s.hashPart(ctx, artifact, head)
		if errors.Is(err, staging.ErrNotFound) {
			continue // another advancer hashed and deleted it: re-read the head
		}
		if err != nil {
			return nil, jobs.InPart(head.Next, err) // not necessarily this handler's part
		}
		if part.Last {
			next.Total = next.Next
		}
		ok, err := s.casHead(ctx, key, next, rev)
		if err != nil {
			return nil, err
		}
		if !ok {
			continue // lost a race: re-read the head
		}
		if err := s.staging.Delete(ctx, staging.SealedKey(artifact, head.Next)); err != nil {
			return nil, err
		}
	}
}

// head reads the head record and its revision (0 when absent).
func (s *Service) head(ctx context.Context, key string) (headRecord, uint64, error) {
	var h headRecord
	e, err := s.state.kv.Get(ctx, key)
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		st, err := sha256.New().(encoding.BinaryMarshaler).MarshalBinary()
		return headRecord{State: st}, 0, err
	}
	if err != nil {
		return h, 0, fmt.Errorf("uploads %s: %w", key, err)
	}
	if err := json.Unmarshal(e.Value(), &h); err != nil {
		return h, 0, jobs.Permanent(fmt.Errorf("uploads %s: %w", key, err))
	}
	return h, e.Revision(), nil
}

// hashPart reads the next staged part and returns the head after it.
func (s *Service) hashPart(ctx context.Context, artifact string, head headRecord) (headRecord, error) {
	h := sha256.New()
	if err := h.(encoding.BinaryUnmarshaler).UnmarshalBinary(head.State); err != nil {
		return head, jobs.Permanent(fmt.Errorf("upload %s: hash state: %w", artifact, err))
	}
	src, _, err := s.staging.Get(ctx, staging.SealedKey(artifact, head.Next))
	if err != nil {
		return head, err
	}
	n, err := io.Copy(h, jobs.ProgressReader(ctx, src)) // the bucket checks the part's digest as it is read
	src.Close()
	if err != nil {
		return head, fmt.Errorf("upload %s part %d: hash: %w", artifact, head.Next, err)
	}
	st, err := h.(encoding.BinaryMarshaler).MarshalBinary()
	if err != nil {
		return head, err
	}
	return headRecord{Next: head.Next + 1, State: st, Size: head.Size + n}, nil
}

// casHead writes the head if it is still at revision rev.
func (s *Service) casHead(ctx context.Context, key string, h headRecord, rev uint64) (bool, error) {
	b, err := json.Marshal(h)
	if err != nil {
		return false, err
	}
	if rev == 0 {
		_, err = s.state.kv.Create(ctx, key, b)
	} else {
		_, err = s.state.kv.Update(ctx, key, b, rev)
	}
	var apiErr *jetstream.APIError
	if errors.Is(err, jetstream.ErrKeyExists) || (errors.As(err, &apiErr) && (apiErr.ErrorCode == jetstream.JSErrCodeStreamWrongLastSequence || apiErr.ErrorCode == jetstream.JSErrCodeStreamWrongLastSequenceConstant)) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("uploads %s: %w", key, err)
	}
	return true, nil
}

// sum finishes a chained hash.
func sum(h headRecord) (string, error) {
	d := sha256.New()
	if err := d.(encoding.BinaryUnmarshaler).UnmarshalBinary(h.State); err != nil {
		return "", err
	}
	return fmt.Sprintf("%x", d.Sum(nil)), nil
}
