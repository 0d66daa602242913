package staging_test

import (
	"bytes"
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/staging"
	"github.com/arcabackup/arca/pkg/teststack"
)

// lostMetaAck stores a put's metadata but loses its acknowledgement, as a
// client that reconnects to another node while its request is answered
// does: the publish waits until its context ends.
type lostMetaAck struct {
	jetstream.JetStream
	lost atomic.Bool
}

func (l *lostMetaAck) PublishMsg(ctx context.Context, m *nats.Msg, opts ...jetstream.PublishOpt) (*jetstream.PubAck, error) {
	if !strings.Contains(m.Subject, ".M.") || !l.lost.CompareAndSwap(false, true) {
		return l.JetStream.PublishMsg(ctx, m, opts...)
	}
	if _, err := l.JetStream.PublishMsg(context.WithoutCancel(ctx), m, opts...); err != nil {
		return nil, err
	}
	<-ctx.Done()
	return nil, ctx.Err()
}

// A put whose metadata was stored but whose acknowledgement was lost
// succeeds: it finds its own metadata under the key. Before, it waited
// for the stall timeout and failed, leaving the part stored behind a failed
// put (make chaos full, 2026-11-30: an exporter's export.json stayed in
// staging after its attempt failed so, a NATS node having stopped).
func TestAPutWhoseMetadataAckIsLostSucceeds(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	n := teststack.NewNATS(t)
	pub := &lostMetaAck{JetStream: n.JS}
	st, err := staging.Ensure(ctx, pub, staging.Options{StallTimeout: time.Minute})
	require.NoError(t, err)

	body := bytes.Repeat([]byte("facts"), 1000)
	info, err := st.Put(ctx, "a2/export.json", bytes.NewReader(body), nil)
	require.NoError(t, err)
	require.True(t, pub.lost.Load(), "the metadata's ack was lost")
	got, err := st.Stat(ctx, "a2/export.json")
	require.NoError(t, err)
	require.Equal(t, info, got)
}
