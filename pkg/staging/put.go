package staging

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// putChunk is the size of the chunks a part is stored in (nats.go's).
const putChunk = 128 << 10

// putWindow is how many of a put's chunks may wait for their acks (1 MiB).
const putWindow = 8

// sent is a chunk published and not yet acknowledged.
type sent struct {
	f     jetstream.PubAckFuture
	buf   []byte
	index int
}

// Held is a part its writer already holds in memory (a PartWriter's): a put
// sends its chunks as slices of it instead of copying them, and the slices
// must not change until the put returns.
type Held struct{ chunks [][]byte }

// NewHeld reads the chunks in order without copying them (nor changing
// them: a failed put is tried again with the same chunks).
func NewHeld(chunks ...[]byte) *Held { return &Held{chunks: append([][]byte(nil), chunks...)} }

func (h *Held) Read(p []byte) (int, error) {
	c, err := h.next(len(p))
	n := copy(p, c)
	if n > 0 && err == io.EOF {
		err = nil
	}
	return n, err
}

// next returns the next chunk of at most limit bytes, and io.EOF once
// nothing is left after it.
func (h *Held) next(limit int) ([]byte, error) {
	for len(h.chunks) > 0 && len(h.chunks[0]) == 0 {
		h.chunks = h.chunks[1:]
	}
	if len(h.chunks) == 0 {
		return nil, io.EOF
	}
	first := h.chunks[0]
	n := min(limit, len(first))
	c := first[:n:n]
	h.chunks[0] = first[n:]
	for len(h.chunks) > 0 && len(h.chunks[0]) == 0 {
		h.chunks[0] = nil // read: let it go (a streamed part's head)
		h.chunks = h.chunks[1:]
	}
	if len(h.chunks) == 0 {
		return c, io.EOF
	}
	return c, nil
}

// heldOf returns the Held a put reads, if it reads one.
func heldOf(r io.Reader) *Held {
	if s, ok := r.(sourceReader); ok {
		r = s.r
	}
	h, _ := r.(*Held)
	return h
}

// Publisher is what a Put needs to store chunks and the part's metadata.
type Publisher interface {
	PublishMsg(ctx context.Context, msg *nats.Msg, opts ...jetstream.PublishOpt) (*jetstream.PubAck, error)
	PublishMsgAsync(msg *nats.Msg, opts ...jetstream.PublishOpt) (jetstream.PubAckFuture, error)
}

// ErrExists says a Create found the key holding a part.
var ErrExists = errors.New("already in staging")

// ErrChunksReordered says a put's chunks were not stored in the order they
// were sent; nothing was stored, and the put can be tried again.
var ErrChunksReordered = errors.New("staging chunks stored out of order")

// ErrReplaced says a Put lost to another Put of the same key that was
// stored after this one began: the other's content stays.
var ErrReplaced = errors.New("replaced by a later put of the same key")

// put stores a part as nats.go's ObjectStore.Put does (chunks under a fresh
// NUID, then the metadata message, which rolls up the previous one), in
// the same format, with one difference: the metadata is published only if
// the key's metadata is still the one seen when the put began. A put that
// fails is retried, often by another replica, while its own messages may
// still be in flight (buffered by a client reconnecting to another node):
// with nats.go's Put, the failed put's metadata could land after the retry
// succeeded and point the key at chunks it had purged, so that every later
// read found a chunk missing. Here a late metadata is refused by the
// stream.
// moved is called as each chunk is acknowledged: a slow but moving put is
// not a stalled one. With create, a key holding a part (not deleted) fails
// the put with ErrExists before anything is written.
func (s *Store) put(ctx context.Context, b bucket, key string, r io.Reader, meta map[string]string, moved func(), create bool) (*jetstream.ObjectInfo, uint64, error) {
	metaSubj := metaSubject(b, key)
	var seen uint64
	var old jetstream.ObjectInfo
	last, err := b.stream.GetLastMsgForSubject(ctx, metaSubj)
	switch {
	case errors.Is(err, jetstream.ErrMsgNotFound):
	case err != nil:
		return nil, 0, err
	default:
		seen = last.Sequence
		if err := json.Unmarshal(last.Data, &old); err != nil {
			return nil, 0, fmt.Errorf("metadata of %s: %w", key, err)
		}
		if create && !old.Deleted {
			return nil, 0, ErrExists
		}
	}

	id := newID()
	chunkSubj := "$O." + b.name + ".C." + id
	purge := func() { _ = b.stream.Purge(context.WithoutCancel(ctx), jetstream.WithPurgeSubject(chunkSubj)) }
	h := sha256.New()
	var size uint64
	var chunks uint32
	// The chunks in flight, in order: a put waits for the oldest's ack
	// before it has more than putWindow published, so that it holds a
	// bounded number of chunks whatever the part's size (it held every
	// chunk, a copy of the whole part, until the end). An acknowledged
	// chunk's buffer takes the next chunk.
	var window []sent
	var free [][]byte
	var prev uint64
	held := heldOf(r)
	acked := func(c sent) error {
		select {
		case a := <-c.f.Ok():
			moved()
			// The chunks must be stored in the order they were read:
			// nats.go publishes again, after a pause, a chunk that found
			// no responder (a stream leader being elected), while the
			// chunks after it may already be stored, and a reader would
			// then get the part's bytes out of order under the right size
			// and digest. The acks' sequences tell.
			if a.Sequence <= prev {
				return fmt.Errorf("%w: chunk %d stored at sequence %d, after the next chunk (%d)", ErrChunksReordered, c.index, a.Sequence, prev)
			}
			prev = a.Sequence
			if held == nil {
				free = append(free, c.buf[:putChunk])
			}
			return nil
		case err := <-c.f.Err():
			return full(err)
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	for {
		var buf []byte
		var n int
		var rerr error
		if held != nil {
			buf, rerr = held.next(putChunk)
			n = len(buf)
		} else {
			if k := len(free); k > 0 {
				buf, free = free[k-1], free[:k-1]
			} else {
				buf = make([]byte, putChunk) // the async publish keeps it until acked
			}
			n, rerr = io.ReadFull(r, buf)
		}
		if n > 0 {
			h.Write(buf[:n])
			m := nats.NewMsg(chunkSubj)
			m.Data = buf[:n]
			f, err := s.pub.PublishMsgAsync(m)
			if err != nil {
				purge()
				return nil, 0, full(err)
			}
			window = append(window, sent{f: f, buf: buf, index: int(chunks)})
			size += uint64(n)
			chunks++
		}
		if rerr == io.EOF || rerr == io.ErrUnexpectedEOF {
			break
		}
		if rerr != nil {
			purge()
			return nil, 0, rerr
		}
		if len(window) >= putWindow {
			if err := acked(window[0]); err != nil {
				purge()
				return nil, 0, err
			}
			window[0] = sent{}
			window = window[1:]
		}
	}
	for _, c := range window {
		if err := acked(c); err != nil {
			purge()
			return nil, 0, err
		}
	}

	info := &jetstream.ObjectInfo{
		ObjectMeta: jetstream.ObjectMeta{Name: key, Metadata: meta, Opts: &jetstream.ObjectMetaOptions{ChunkSize: putChunk}},
		Bucket:     b.name, NUID: id, Size: size, Chunks: chunks,
		Digest: jetstream.GetObjectDigestValue(h),
	}
	m := nats.NewMsg(metaSubj)
	m.Header.Set(jetstream.MsgRollup, jetstream.MsgRollupSubject)
	if m.Data, err = json.Marshal(info); err != nil {
		purge()
		return nil, 0, err
	}
	rev, err := s.publishPutMeta(ctx, b, m, seen, id)
	if errors.Is(err, ErrReplaced) {
		purge()
		return nil, 0, err
	}
	if err != nil {
		// Not purged: the metadata may have been stored with its ack
		// lost, and its chunks are then the part. A retry replaces it;
		// the TTL collects chunks nothing points at.
		return nil, 0, err
	}
	if seen > 0 && old.NUID != "" && old.NUID != id {
		_ = b.stream.Purge(ctx, jetstream.WithPurgeSubject("$O."+b.name+".C."+old.NUID))
	}
	return info, rev, nil
}

// metaAckWait is how long a put waits for its metadata's acknowledgement
// before it reads the key to learn whether the metadata was stored.
const metaAckWait = 5 * time.Second

// publishPutMeta publishes a put's metadata (chunks NUID id) if the key's
// last metadata is still at seen, and returns its revision. An
// acknowledgement can be lost (the client reconnects to another node while
// the request is answered): the publish then waited until the put's stall
// timeout and failed, though the metadata was stored, so that a failed put
// left its part behind (an exporter's export.json, after its attempt
// failed so, was never deleted). Now, when no acknowledgement comes in
// metaAckWait, or the stream says the key moved on, the key's metadata is
// read: this put's (same NUID) is success, one still at seen is published
// again, another's is ErrReplaced.
func (s *Store) publishPutMeta(ctx context.Context, b bucket, m *nats.Msg, seen uint64, id string) (uint64, error) {
	for {
		pctx, cancel := context.WithTimeout(ctx, metaAckWait)
		ack, err := s.pub.PublishMsg(pctx, m, jetstream.WithExpectLastSequencePerSubject(seen))
		cancel()
		if err == nil {
			return ack.Sequence, nil
		}
		lostAck := ctx.Err() == nil && (errors.Is(err, context.DeadlineExceeded) || errors.Is(err, nats.ErrTimeout))
		if !wrongLast(err) && !lostAck {
			return 0, err
		}
		last, gerr := b.stream.GetLastMsgForSubject(ctx, m.Subject)
		switch {
		case errors.Is(gerr, jetstream.ErrMsgNotFound) && seen == 0:
			continue // not stored: publish again
		case errors.Is(gerr, jetstream.ErrMsgNotFound):
			return 0, ErrReplaced // the key's metadata was removed meanwhile
		case gerr != nil:
			if ctx.Err() != nil {
				return 0, ctx.Err()
			}
			continue // unreadable for now (an election): try again
		}
		var cur jetstream.ObjectInfo
		if json.Unmarshal(last.Data, &cur) == nil && cur.NUID == id && !cur.Deleted {
			return last.Sequence, nil // stored, its ack lost
		}
		if last.Sequence != seen {
			return 0, ErrReplaced
		}
	}
}

// newID names a put's chunks (nats.go uses a NUID; any fresh token will do).
func newID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
