package staging

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"hash"
	"io"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// chunkReader reads a part's chunks from its stream's leader, next by
// subject from the sequence after the last chunk read, until the part's
// size is read, and checks its digest at the end. On a single-replica
// bucket (direct gets on) one request asks for a batch of chunks, about
// batchBytes of them, the next batch asked for as this one ends (batch.go);
// on a replicated bucket it asks the leader for one chunk at a time,
// through the JetStream API, since any replica answers a direct get.
//
// nats.go's ObjectStore.Get reads them through an ordered consumer, which
// the cluster places on any replica, and stops at the first chunk that
// replica reports with nothing pending: a follower that has not yet
// applied the whole put handed out a truncated part ("received a corrupt
// object, digests do not match"). The leader has applied every put it
// acknowledged, and the count is the part's own size, not a replica's view.
//
// A request that fails (a timeout, no leader during an election) is asked
// again until the stall timeout passes with no chunk received; time the
// caller spends between reads does not count. A chunk that is not there
// ends the read with ErrNotFound if the part was deleted or replaced
// meanwhile (the uploader's advancers race for parts), and as damaged
// otherwise. A reader holds at most two batches, each at most batchBytes
// and a chunk: the one it hands out and the one asked for ahead.
type chunkReader struct {
	ctx    context.Context
	cancel context.CancelFunc
	s      *Store
	b      bucket
	key    string
	nuid   string
	subj   string
	digest string // as in the part's metadata: SHA-256=<base64url>

	next   uint64                    // stream sequence to look for the next chunk from
	left   int64                     // bytes still to come
	queued []*jetstream.RawStreamMsg // the batch's chunks not yet read
	ahead  *askedBatch               // the next batch, asked for
	buf    []byte
	h      hash.Hash
	err    error
}

// chunkRequest bounds one request; a failed one is asked again.
const chunkRequest = 30 * time.Second

func (s *Store) chunks(ctx context.Context, b bucket, key string, oi *jetstream.ObjectInfo) *chunkReader {
	ctx, cancel := context.WithCancel(ctx)
	return &chunkReader{
		ctx: ctx, cancel: cancel, s: s, b: b, key: key, nuid: oi.NUID,
		subj:   "$O." + b.name + ".C." + oi.NUID,
		digest: oi.Digest,
		next:   1,
		left:   int64(oi.Size),
		h:      sha256.New(),
	}
}

func (r *chunkReader) Read(p []byte) (int, error) {
	for len(r.buf) == 0 && r.err == nil {
		r.err = r.fill()
	}
	if r.err != nil && r.ahead != nil { // the read is over
		r.ahead.drop()
		r.ahead = nil
	}
	if len(r.buf) == 0 {
		return 0, r.err
	}
	n := copy(p, r.buf)
	r.buf = r.buf[n:]
	return n, nil
}

// fill reads the next chunk, or ends the part: io.EOF once its size is
// read and its digest checked.
func (r *chunkReader) fill() error {
	if r.left == 0 {
		if got := jetstream.GetObjectDigestValue(r.h); got != r.digest {
			return fmt.Errorf("staging get %s: %w", r.key, jetstream.ErrDigestMismatch)
		}
		return io.EOF
	}
	m, err := r.chunk()
	if err != nil {
		return err
	}
	if int64(len(m.Data)) > r.left {
		return fmt.Errorf("staging get %s: chunks longer than the part's %d bytes: %w", r.key, r.left, jetstream.ErrDigestMismatch)
	}
	r.next = m.Sequence + 1
	r.left -= int64(len(m.Data))
	r.h.Write(m.Data)
	r.buf = m.Data
	return nil
}

func (r *chunkReader) chunk() (*jetstream.RawStreamMsg, error) {
	if len(r.queued) == 0 {
		ms, err := r.request()
		if err != nil {
			return nil, err
		}
		r.queued = ms
	}
	m := r.queued[0]
	r.queued[0] = nil // handed out: the reader holds only the rest
	r.queued = r.queued[1:]
	return m, nil
}

// request asks for the chunks from r.next on, again while it fails, until
// the stall timeout.
func (r *chunkReader) request() ([]*jetstream.RawStreamMsg, error) {
	since := time.Now()
	for {
		ctx, cancel := context.WithTimeout(r.ctx, min(chunkRequest, r.s.stall))
		ms, err := r.get(ctx)
		cancel()
		switch {
		case err == nil:
			for _, m := range ms {
				if m.Subject != r.subj { // never, unless the server ignores the filter
					return nil, fmt.Errorf("staging get %s: asked for a chunk, got %s", r.key, m.Subject)
				}
			}
			return ms, nil
		case r.ctx.Err() != nil:
			return nil, fmt.Errorf("staging get %s: %w", r.key, r.ctx.Err())
		case errors.As(err, new(*permanentError)):
			return nil, fmt.Errorf("staging get %s: %w", r.key, err)
		case errors.Is(err, jetstream.ErrMsgNotFound):
			if r.s.gone(r.ctx, r.key, r.nuid) {
				return nil, fmt.Errorf("staging get %s: deleted while read: %w", r.key, ErrNotFound)
			}
			return nil, fmt.Errorf("staging get %s: a chunk is missing (%d bytes unread): %w", r.key, r.left, jetstream.ErrDigestMismatch)
		case time.Since(since) >= r.s.stall:
			return nil, fmt.Errorf("staging get %s: %w (last: %v)", r.key, ErrStalled, err)
		}
		select {
		case <-r.ctx.Done():
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// get asks once for the chunks from r.next on: a batch where the bucket
// has direct gets, else one chunk from the leader. It returns at least
// one chunk or an error.
func (r *chunkReader) get(ctx context.Context) ([]*jetstream.RawStreamMsg, error) {
	if r.b.direct != nil {
		return r.batch(ctx)
	}
	m, err := r.b.stream.GetMsg(ctx, r.next, jetstream.WithGetMsgSubject(r.subj))
	if err != nil {
		return nil, err
	}
	return []*jetstream.RawStreamMsg{m}, nil
}

// gone reports whether the part read as nuid was deleted or replaced.
func (s *Store) gone(ctx context.Context, key, nuid string) bool {
	oi, err := s.bucket(key).GetInfo(ctx, key)
	return errors.Is(err, jetstream.ErrObjectNotFound) || (err == nil && oi.NUID != nuid)
}

// Close ends the read.
func (r *chunkReader) Close() error {
	r.cancel()
	return nil
}
