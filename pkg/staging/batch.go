package staging

import (
	"context"
	"errors"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/synadia-io/orbit.go/jetstreamext"
)

// A batched read asks for up to batchChunks chunks; the server ends the
// batch once it has sent batchBytes (a chunk counts its data, headers and
// subject), so a batch is eight of a put's 128 KiB chunks and holds at most
// batchBytes plus one chunk of whatever size a writer chose.
const (
	batchBytes  = 1 << 20
	batchChunks = 64
)

// errNoReply says a batch request timed out before its first chunk:
// jetstreamext ends a batch that times out without an error.
var errNoReply = errors.New("no reply to a batched chunk request")

// batch asks the bucket's stream for the chunks from r.next on in one
// request (a batched direct get, ADR-31, nats-server 2.11 and later): one
// round trip for a batch instead of one per chunk, which is what reading a
// part took on a single server (decision 50). It returns the chunks the
// batch brought, at least one, or an error; a batch cut short (a
// time-out, a reply that could not be read) returns what came before, and
// the next request asks for the rest.
//
// A server older than 2.11 answers with a single message and no pending
// count, which jetstreamext reports as ErrBatchUnsupported: the reader
// then reads the part one chunk at a time. So does a no-responders
// status, which it reports the same way; chunk by chunk is slower but as
// correct.
func (r *chunkReader) batch(ctx context.Context) ([]*jetstream.RawStreamMsg, error) {
	msgs, err := jetstreamext.GetBatch(ctx, r.b.batches, r.b.stream.CachedInfo().Config.Name, batchChunks,
		jetstreamext.GetBatchSeq(r.next), jetstreamext.GetBatchSubject(r.subj), jetstreamext.GetBatchMaxBytes(batchBytes))
	if err != nil {
		return nil, err
	}
	var got []*jetstream.RawStreamMsg
	for m, err := range msgs {
		if err == nil {
			got = append(got, m)
			continue
		}
		switch {
		case len(got) > 0:
		case errors.Is(err, jetstreamext.ErrNoMessages):
			return nil, jetstream.ErrMsgNotFound
		case errors.Is(err, jetstreamext.ErrBatchUnsupported):
			r.unbatched = true
			return r.get(ctx)
		default:
			return nil, err
		}
		break
	}
	if len(got) == 0 {
		return nil, errNoReply
	}
	return got, nil
}
