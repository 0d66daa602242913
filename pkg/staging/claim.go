package staging

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// ErrChanged says a DeleteUnchanged found the part claimed, replaced or
// deleted since the revision it was given: it deleted nothing.
var ErrChanged = errors.New("staged part changed since it was read")

func metaSubject(b bucket, key string) string {
	return "$O." + b.name + ".M." + base64.URLEncoding.EncodeToString([]byte(key))
}

// meta reads a key's metadata and its revision (the stream sequence of the
// metadata message) from the stream leader. A deleted part is ErrNotFound.
func (s *Store) meta(ctx context.Context, b bucket, key string) (*jetstream.ObjectInfo, uint64, error) {
	m, err := b.stream.GetLastMsgForSubject(ctx, metaSubject(b, key))
	if errors.Is(err, jetstream.ErrMsgNotFound) {
		return nil, 0, ErrNotFound
	}
	if err != nil {
		return nil, 0, err
	}
	var oi jetstream.ObjectInfo
	if err := json.Unmarshal(m.Data, &oi); err != nil {
		return nil, 0, fmt.Errorf("metadata of %s: %w", key, err)
	}
	if oi.Deleted {
		return nil, m.Sequence, ErrNotFound
	}
	return &oi, m.Sequence, nil
}

// publishMeta writes a key's metadata (rolling up the previous one) if the
// key's last metadata is still at revision rev; otherwise ErrChanged.
func (s *Store) publishMeta(ctx context.Context, b bucket, oi *jetstream.ObjectInfo, rev uint64) (uint64, error) {
	m := nats.NewMsg(metaSubject(b, oi.Name))
	m.Header.Set(jetstream.MsgRollup, jetstream.MsgRollupSubject)
	var err error
	if m.Data, err = json.Marshal(oi); err != nil {
		return 0, err
	}
	ack, err := s.pub.PublishMsg(ctx, m, jetstream.WithExpectLastSequencePerSubject(rev))
	if wrongLast(err) {
		return 0, ErrChanged
	}
	if err != nil {
		return 0, err
	}
	return ack.Sequence, nil
}

func wrongLast(err error) bool {
	var apiErr *jetstream.APIError
	return errors.As(err, &apiErr) && (apiErr.ErrorCode == jetstream.JSErrCodeStreamWrongLastSequence ||
		apiErr.ErrorCode == jetstream.JSErrCodeStreamWrongLastSequenceConstant)
}

// Claim marks a stored part as about to be handed on by its caller (an
// announcement of its digest): it writes the part's metadata again,
// unchanged, so that its revision moves on and a DeleteUnchanged of an
// earlier revision (its writer's, deciding it was never handed on) fails.
// The returned Info carries the new revision. ErrNotFound if the part is
// gone (it was deleted first: nothing was handed on, or it was taken).
func (s *Store) Claim(ctx context.Context, key string) (Info, error) {
	b := s.bucket(key)
	for {
		oi, rev, err := s.meta(ctx, b, key)
		if err != nil {
			return Info{}, fmt.Errorf("staging claim %s: %w", key, err)
		}
		next, err := s.publishMeta(ctx, b, oi, rev)
		if errors.Is(err, ErrChanged) {
			continue // claimed by another meanwhile, or deleted: read again
		}
		if err != nil {
			return Info{}, fmt.Errorf("staging claim %s: %w", key, err)
		}
		info, err := toInfo(oi)
		info.Revision = next
		return info, err
	}
}

// DeleteUnchanged deletes a part only if its metadata is still at revision
// rev (as Create returned it): not claimed, replaced or deleted since.
// Otherwise it fails with ErrChanged and the part stays.
func (s *Store) DeleteUnchanged(ctx context.Context, key string, rev uint64) error {
	b := s.bucket(key)
	oi, cur, err := s.meta(ctx, b, key)
	if errors.Is(err, ErrNotFound) || (err == nil && cur != rev) {
		return fmt.Errorf("staging delete %s: %w", key, ErrChanged)
	}
	if err != nil {
		return fmt.Errorf("staging delete %s: %w", key, err)
	}
	chunks := "$O." + b.name + ".C." + oi.NUID
	oi.Deleted = true
	oi.Size, oi.Chunks, oi.Digest = 0, 0, ""
	if _, err := s.publishMeta(ctx, b, oi, rev); err != nil {
		return fmt.Errorf("staging delete %s: %w", key, err)
	}
	if err := b.stream.Purge(ctx, jetstream.WithPurgeSubject(chunks)); err != nil {
		return fmt.Errorf("staging delete %s: purge: %w", key, err)
	}
	return nil
}
