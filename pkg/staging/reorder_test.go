package staging_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"io"
	"strings"
	"sync"
	"testing"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/staging"
	"github.com/arcabackup/arca/pkg/teststack"
)

// lateFirstChunk stores a put's first chunk only after the chunks that
// follow it are stored, as nats.go does when the first found no responder
// (a stream leader being elected) and is published again after a pause.
type lateFirstChunk struct {
	jetstream.JetStream
	mu      sync.Mutex
	held    *nats.Msg
	future  *heldFuture
	others  []jetstream.PubAckFuture
	waitFor int
}

type heldFuture struct {
	msg *nats.Msg
	ok  chan *jetstream.PubAck
	err chan error
}

func (f *heldFuture) Ok() <-chan *jetstream.PubAck { return f.ok }
func (f *heldFuture) Err() <-chan error            { return f.err }
func (f *heldFuture) Msg() *nats.Msg               { return f.msg }

func (l *lateFirstChunk) PublishMsgAsync(m *nats.Msg, opts ...jetstream.PublishOpt) (jetstream.PubAckFuture, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !strings.Contains(m.Subject, ".C.") {
		return l.JetStream.PublishMsgAsync(m, opts...)
	}
	if l.held == nil {
		l.held = m
		l.future = &heldFuture{msg: m, ok: make(chan *jetstream.PubAck, 1), err: make(chan error, 1)}
		return l.future, nil
	}
	f, err := l.JetStream.PublishMsgAsync(m, opts...)
	if err != nil {
		return nil, err
	}
	l.others = append(l.others, f)
	if len(l.others) == l.waitFor {
		held, future := l.held, l.future
		go func() {
			<-l.PublishAsyncComplete() // the chunks after it are stored
			ack, err := l.PublishMsg(context.Background(), held)
			if err != nil {
				future.err <- err
				return
			}
			future.ok <- ack
		}()
	}
	return f, nil
}

// A put whose chunks were stored out of order stores nothing and says so;
// before, it stored the part under the right size and digest with its
// bytes out of order, and the uploader sent S3 bytes that did not match
// the announced SHA-256 at every attempt (make chaos, 2026-11-30).
func TestAPutWhoseChunksAreStoredOutOfOrderStoresNothing(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	n := teststack.NewNATS(t)
	late := &lateFirstChunk{JetStream: n.JS, waitFor: 2}
	st, err := staging.Ensure(ctx, late, staging.Options{})
	require.NoError(t, err)

	part := make([]byte, 3*128<<10) // three chunks
	_, err = rand.Read(part)
	require.NoError(t, err)
	_, err = st.Create(ctx, "a/0.sealed", bytes.NewReader(part), nil)
	require.ErrorIs(t, err, staging.ErrChunksReordered)
	_, err = st.Stat(ctx, "a/0.sealed")
	require.ErrorIs(t, err, staging.ErrNotFound, "nothing stored")

	// Tried again with the chunks in order, the part is stored and reads
	// back byte for byte.
	again, err := staging.Ensure(ctx, n.JS, staging.Options{})
	require.NoError(t, err)
	_, err = again.Create(ctx, "a/0.sealed", bytes.NewReader(part), nil)
	require.NoError(t, err)
	rc, _, err := again.Get(ctx, "a/0.sealed")
	require.NoError(t, err)
	defer func() { _ = rc.Close() }()
	got, err := io.ReadAll(rc)
	require.NoError(t, err)
	require.Equal(t, part, got)
}
