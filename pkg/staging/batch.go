package staging

import (
	"context"
	"encoding/json"
	"errors"
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

var errEmptyBatch = errors.New("batched direct get: a batch with no chunk")

// permanentError is a reply that asking again would not change.
type permanentError struct{ err error }

func (e *permanentError) Error() string { return e.err.Error() }
func (e *permanentError) Unwrap() error { return e.err }

// batchRequest is a batched direct get (ADR-31, nats-server 2.11 and
// later): up to Batch messages on NextBySubject from Seq on, then an
// end-of-batch status.
type batchRequest struct {
	Seq           uint64 `json:"seq"`
	NextBySubject string `json:"next_by_subj"`
	Batch         int    `json:"batch"`
	MaxBytes      int    `json:"max_bytes"`
}

// batch returns the chunks from r.next on, in one request: one round trip
// for a batch instead of one per chunk, which is what reading a part took
// on a single server (decision 50). It returns the chunks the batch
// brought, at least one, or an error; a batch cut short (a time-out, a
// reply it cannot read) returns what came before, and the next request
// asks for the rest.
//
// When a batch ends and the part goes on, the next batch is asked for at
// once (ahead): the server reads and sends it while the caller uses this
// one, and the reader holds at most two batches. Its replies wait in its
// subscription, and its time-out starts only when the reader waits for
// it: the caller's pauses do not count towards a stall.
func (r *chunkReader) batch(ctx context.Context) ([]*jetstream.RawStreamMsg, error) {
	a := r.ahead
	r.ahead = nil
	if a == nil {
		var err error
		if a, err = r.ask(r.next); err != nil {
			return nil, err
		}
	}
	defer a.drop()
	got, whole, err := a.receive(ctx)
	if err != nil || !whole {
		return got, err
	}
	var size int64
	for _, m := range got {
		size += int64(len(m.Data))
	}
	if size < r.left {
		r.ahead, _ = r.ask(got[len(got)-1].Sequence + 1) // if it fails, asked again when needed
	}
	return got, nil
}

// askedBatch is a batch request sent, its replies arriving on their own
// inbox (NewInbox), not under the connection's request mux (NewRespInbox,
// as orbit.go jetstreamext's GetBatch does): the mux's wildcard
// subscription received a copy of every chunk, twice the bytes.
type askedBatch struct {
	sub  *nats.Subscription
	stop func() bool // the context's hook that drops it
}

// ask sends a batch request for the chunks from seq on.
func (r *chunkReader) ask(seq uint64) (*askedBatch, error) {
	req, err := json.Marshal(batchRequest{Seq: seq, NextBySubject: r.subj, Batch: batchChunks, MaxBytes: batchBytes})
	if err != nil {
		return nil, err
	}
	nc := r.b.direct.conn
	sub, err := nc.SubscribeSync(nc.NewInbox())
	if err != nil {
		return nil, err
	}
	// A reader closed with a batch asked for drops it then.
	p := &askedBatch{sub: sub, stop: context.AfterFunc(r.ctx, func() { _ = sub.Unsubscribe() })}
	if err := nc.PublishRequest(r.b.direct.subject, sub.Subject, req); err != nil {
		p.drop()
		return nil, err
	}
	return p, nil
}

func (p *askedBatch) drop() {
	p.stop()
	_ = p.sub.Unsubscribe()
}

// receive reads a batch's replies: whole when it came to its end. A
// server older than 2.11 ignores the batch and answers with the one
// chunk, without a pending count: that reply is a batch of one.
func (p *askedBatch) receive(ctx context.Context) (got []*jetstream.RawStreamMsg, whole bool, _ error) {
	for {
		msg, err := p.sub.NextMsgWithContext(ctx)
		if err != nil {
			if len(got) > 0 {
				return got, false, nil
			}
			return nil, false, err
		}
		m, single, err := batchReply(msg)
		switch {
		case err != nil && len(got) > 0:
			return got, false, nil
		case err != nil:
			return nil, false, err
		case m == nil && len(got) == 0: // never: the server ends only a batch it began
			return nil, false, errEmptyBatch
		case m == nil: // the end of the batch
			return got, true, nil
		case single && len(got) == 0:
			return []*jetstream.RawStreamMsg{m}, true, nil
		case single: // never mid-batch from a 2.11+ server: keep what came, ask again after it
			return append(got, m), false, nil
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
		// 408 (a request the server cannot read), 412, 500: asking again
		// would get the same answer until the stall timeout.
		return nil, false, &permanentError{fmt.Errorf("batched direct get: status %s %s", status, msg.Header.Get("Description"))}
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
