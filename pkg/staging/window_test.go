package staging_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"strings"
	"sync"
	"testing"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/staging"
	"github.com/arcabackup/arca/pkg/teststack"
)

// inFlight counts, at each chunk published, the put's chunks published
// and whose acks the put has not taken yet.
type inFlight struct {
	jetstream.JetStream
	mu      sync.Mutex
	futures []*handedFuture
	max     int
}

type handedFuture struct {
	jetstream.PubAckFuture
	ok     chan *jetstream.PubAck
	filled bool
}

func (f *handedFuture) Ok() <-chan *jetstream.PubAck { return f.ok }

func (c *inFlight) PublishMsgAsync(m *nats.Msg, opts ...jetstream.PublishOpt) (jetstream.PubAckFuture, error) {
	f, err := c.JetStream.PublishMsgAsync(m, opts...)
	if err != nil || !strings.Contains(m.Subject, ".C.") {
		return f, err
	}
	h := &handedFuture{PubAckFuture: f, ok: make(chan *jetstream.PubAck, 1)}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.futures = append(c.futures, h)
	waiting := 0
	for _, f := range c.futures {
		if !f.filled || len(f.ok) > 0 {
			waiting++
		}
	}
	c.max = max(c.max, waiting)
	go func() {
		select {
		case a := <-f.Ok():
			c.mu.Lock()
			h.ok <- a
			h.filled = true
			c.mu.Unlock()
		case err := <-f.Err():
			_ = err // the put sees it
		}
	}()
	return h, nil
}

// A put holds at most 8 chunks (1 MiB) waiting for their acks, whatever
// the part's size; before, it published every chunk of the part (a copy of
// it) before it took the first ack, so a 16 MiB part held 16 MiB more.
func TestAPutHoldsABoundedWindowOfChunks(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	n := teststack.NewNATS(t)
	count := &inFlight{JetStream: n.JS}
	st, err := staging.Ensure(ctx, count, staging.Options{})
	require.NoError(t, err)

	part := make([]byte, 64*128<<10+1) // 65 chunks
	_, err = rand.Read(part)
	require.NoError(t, err)
	for name, r := range map[string]func() any{
		"reader": func() any { return bytes.NewReader(part) },
		"held":   func() any { return staging.NewHeld(part) },
	} {
		count.mu.Lock()
		count.max, count.futures = 0, nil
		count.mu.Unlock()
		_, err = st.Put(ctx, "a/"+name, r().(interface{ Read([]byte) (int, error) }), nil)
		require.NoError(t, err, name)
		count.mu.Lock()
		require.LessOrEqual(t, count.max, 8, "%s: chunks waiting for their acks at once", name)
		require.Positive(t, count.max, name)
		count.mu.Unlock()

		rc, _, err := st.Get(ctx, "a/"+name)
		require.NoError(t, err, name)
		var got bytes.Buffer
		_, err = got.ReadFrom(rc)
		require.NoError(t, err, name)
		require.NoError(t, rc.Close())
		require.Equal(t, part, got.Bytes(), name)
	}
}

// failSecondChunk fails the publish of the second chunk it sees, once.
type failSecondChunk struct {
	jetstream.JetStream
	mu     sync.Mutex
	chunks int
}

func (f *failSecondChunk) PublishMsgAsync(m *nats.Msg, opts ...jetstream.PublishOpt) (jetstream.PubAckFuture, error) {
	if strings.Contains(m.Subject, ".C.") {
		f.mu.Lock()
		f.chunks++
		second := f.chunks == 2
		f.mu.Unlock()
		if second {
			return nil, nats.ErrConnectionReconnecting
		}
	}
	return f.JetStream.PublishMsgAsync(m, opts...)
}

// A part whose put failed after some of its chunks were sent is put again
// whole: the put sends the part writer's own chunks, and must leave them
// as they were for the next attempt.
func TestPartWriterRetriesAPutThatFailedMidPart(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	n := teststack.NewNATS(t)
	st, err := staging.Ensure(ctx, &failSecondChunk{JetStream: n.JS}, staging.Options{})
	require.NoError(t, err)

	data := make([]byte, 3*128<<10+17)
	_, _ = rand.Read(data)
	var parts []staging.Part
	w := staging.NewPartWriter(ctx, st, "mid", 0, func(_ context.Context, p staging.Part) error {
		parts = append(parts, p)
		return nil
	})
	for off := 0; off < len(data); off += 1000 {
		_, err = w.Write(data[off:min(off+1000, len(data))])
		require.NoError(t, err)
	}
	count, err := w.Close()
	require.NoError(t, err)
	require.Equal(t, 1, count)
	body, _ := readPart(t, st, parts[0])
	require.Equal(t, data, body)
}
