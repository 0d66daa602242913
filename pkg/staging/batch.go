package staging

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// A batched read asks for up to batchChunks chunks; the server ends the
// batch once it has sent batchBytes (a chunk counts its data, headers and
// subject), so a batch is eight of a put's 128 KiB chunks and holds at most
// batchBytes plus one chunk of whatever size a writer chose.
const (
	batchBytes  = 1 << 20
	batchChunks = 64
)

// batchRequest is a batched direct get (ADR-31, nats-server 2.11 and
// later): up to Batch messages on NextBySubject from Seq on, then an
// end-of-batch status.
type batchRequest struct {
	Seq           uint64 `json:"seq"`
	NextBySubject string `json:"next_by_subj"`
	Batch         int    `json:"batch"`
	MaxBytes      int    `json:"max_bytes"`
}

// batch asks the bucket's stream for the chunks from r.next on in one
// request: one round trip for a batch instead of one per chunk, which is
// what reading a part took on a single server (decision 50). It returns
// the chunks the batch brought, at least one, or an error; a batch cut
// short (a time-out, a reply it cannot read) returns what came before,
// and the next request asks for the rest.
//
// The replies come to an inbox of their own (NewInbox), not under the
// connection's request mux (NewRespInbox, as orbit.go's jetstreamext
// GetBatch does): the mux's wildcard subscription would receive a copy of
// every chunk, twice the bytes. A server older than 2.11 ignores the
// batch and answers with the one chunk, without a pending count: that
// reply is a batch of one.
func (r *chunkReader) batch(ctx context.Context) ([]*jetstream.RawStreamMsg, error) {
	req, err := json.Marshal(batchRequest{Seq: r.next, NextBySubject: r.subj, Batch: batchChunks, MaxBytes: batchBytes})
	if err != nil {
		return nil, err
	}
	nc := r.b.direct.conn
	sub, err := nc.SubscribeSync(nc.NewInbox())
	if err != nil {
		return nil, err
	}
	defer func() { _ = sub.Unsubscribe() }()
	if err := nc.PublishRequest(r.b.direct.subject, sub.Subject, req); err != nil {
		return nil, err
	}
	var got []*jetstream.RawStreamMsg
	for {
		msg, err := sub.NextMsgWithContext(ctx)
		if err != nil {
			if len(got) > 0 {
				return got, nil
			}
			return nil, err
		}
		m, single, err := batchReply(msg)
		switch {
		case err != nil && len(got) > 0:
			return got, nil
		case err != nil:
			return nil, err
		case m == nil: // the end of the batch
			return got, nil
		case single:
			return []*jetstream.RawStreamMsg{m}, nil
		}
		got = append(got, m)
	}
}

// batchReply reads one reply to a batch request: a chunk (single when
// the server answered as to a plain direct get), or nil at the end of the
// batch.
func batchReply(msg *nats.Msg) (m *jetstream.RawStreamMsg, single bool, err error) {
	switch status := msg.Header.Get("Status"); status {
	case "":
	case "204": // EOB, after at least one message
		return nil, false, nil
	case "404": // none from the start
		return nil, false, jetstream.ErrMsgNotFound
	case "503":
		return nil, false, nats.ErrNoResponders
	default:
		return nil, false, fmt.Errorf("batched direct get: status %s %s", status, msg.Header.Get("Description"))
	}
	seq, err := strconv.ParseUint(msg.Header.Get(jetstream.SequenceHeader), 10, 64)
	if err != nil {
		return nil, false, fmt.Errorf("batched direct get: sequence: %w", err)
	}
	m = &jetstream.RawStreamMsg{Subject: msg.Header.Get(jetstream.SubjectHeader), Sequence: seq, Header: msg.Header, Data: msg.Data}
	return m, msg.Header.Get("Nats-Num-Pending") == "", nil
}

// directGet is where a bucket's batched reads go.
type directGet struct {
	conn    *nats.Conn
	subject string // $JS.API.DIRECT.GET.<stream>, under the context's API prefix
}

func newDirectGet(js ObjectStores, stream string) *directGet {
	prefix := "$JS.API."
	switch o := js.Options(); {
	case o.APIPrefix != "":
		prefix = strings.TrimSuffix(o.APIPrefix, ".") + "."
	case o.Domain != "":
		prefix = "$JS." + o.Domain + ".API."
	}
	return &directGet{conn: js.Conn(), subject: prefix + "DIRECT.GET." + stream}
}
