package staging_test

import (
	"bytes"
	"encoding/json"
	"io"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/staging"
	"github.com/arcabackup/arca/pkg/teststack"
)

// These tests put a subscriber in front of the bucket's direct gets
// (proxyDirectGets) that changes the server's replies.

// proxyDirectGets serves the sealed bucket's direct gets on another
// subject, through f.
func proxyDirectGets(t *testing.T, n *teststack.NATS, st *staging.Store, f func(call int, req map[string]any, reply string, pc *nats.Conn)) {
	t.Helper()
	pc, _ := teststack.Connect(t, n.URL)
	var calls atomic.Int32
	sub, err := pc.Subscribe("review.dg", func(m *nats.Msg) {
		var req map[string]any
		require.NoError(t, json.Unmarshal(m.Data, &req))
		f(int(calls.Add(1)), req, m.Reply, pc)
	})
	require.NoError(t, err)
	t.Cleanup(func() { _ = sub.Unsubscribe() })
	require.NoError(t, pc.Flush())
	staging.SetSealedDirectGetSubject(st, "review.dg")
}

// relayDirectGets passes the sealed bucket's direct gets on to the server
// through proxyDirectGets: edit may change each request (call counts them
// from 1) before it is sent, and keep each reply (k counts them from 1)
// before it is forwarded, false to end that request's replies there.
func relayDirectGets(t *testing.T, n *teststack.NATS, st *staging.Store, edit func(call int, req map[string]any), keep func(call, k int, m *nats.Msg) bool) {
	t.Helper()
	server := staging.SealedDirectGetSubject(st)
	proxyDirectGets(t, n, st, func(call int, req map[string]any, reply string, pc *nats.Conn) {
		edit(call, req)
		inbox := pc.NewInbox()
		sub, err := pc.SubscribeSync(inbox)
		require.NoError(t, err)
		defer func() { _ = sub.Unsubscribe() }()
		b, _ := json.Marshal(req)
		require.NoError(t, pc.PublishRequest(server, inbox, b))
		for k := 1; ; k++ {
			m, err := sub.NextMsg(2 * time.Second)
			if err != nil || !keep(call, k, m) {
				return
			}
			out := nats.NewMsg(reply)
			out.Header, out.Data = m.Header, m.Data
			_ = pc.PublishMsg(out)
			if _, batch := req["batch"]; !batch || m.Header.Get("Status") != "" {
				return
			}
		}
	})
}

// A server that ignores batch (before 2.11) answers each request with one
// chunk: the reader takes it as a batch of one.
func TestABatchIgnoredByTheServerReadsChunkByChunk(t *testing.T) {
	n := teststack.NewNATS(t)
	ctx := t.Context()
	st, err := staging.Ensure(ctx, n.JS, staging.Options{})
	require.NoError(t, err)
	data := putRandom(t, st, "o/0.sealed", 1<<20+5)
	relayDirectGets(t, n, st, func(_ int, req map[string]any) {
		delete(req, "batch")
		delete(req, "max_bytes")
	}, func(int, int, *nats.Msg) bool { return true })
	require.True(t, bytes.Equal(data, readBack(t, st, "o/0.sealed")))
}

// A batch cut short (no more replies, no EOB) hands out what came
// and asks again from the next chunk.
func TestABatchCutShortIsAskedAgainFromTheNextChunk(t *testing.T) {
	n := teststack.NewNATS(t)
	ctx := t.Context()
	st, err := staging.Ensure(ctx, n.JS, staging.Options{StallTimeout: 2 * time.Second})
	require.NoError(t, err)
	data := putRandom(t, st, "p/0.sealed", 3<<20)
	relayDirectGets(t, n, st, func(int, map[string]any) {}, func(call, k int, _ *nats.Msg) bool {
		return call != 1 || k <= 3 // the first batch cut after 3 chunks
	})
	require.True(t, bytes.Equal(data, readBack(t, st, "p/0.sealed")))
}

// A reply without Nats-Num-Pending in the middle of a batch (never from
// 2.15) ends the batch there: the chunks before it are kept, not dropped
// (which read as a damaged part, found by review).
func TestAReplyWithoutPendingMidBatchKeepsTheChunksBeforeIt(t *testing.T) {
	n := teststack.NewNATS(t)
	ctx := t.Context()
	st, err := staging.Ensure(ctx, n.JS, staging.Options{StallTimeout: 2 * time.Second})
	require.NoError(t, err)
	data := putRandom(t, st, "m/0.sealed", 1<<20)
	relayDirectGets(t, n, st, func(int, map[string]any) {}, func(call, k int, m *nats.Msg) bool {
		if call == 1 && k == 2 {
			m.Header.Del("Nats-Num-Pending")
		}
		return true
	})
	require.True(t, bytes.Equal(data, readBack(t, st, "m/0.sealed")))
}

// A status the server would repeat (408, a request it cannot read) ends
// the read at once instead of being asked again until the stall timeout.
func TestAStatusTheServerWouldRepeatEndsTheReadAtOnce(t *testing.T) {
	n := teststack.NewNATS(t)
	ctx := t.Context()
	st, err := staging.Ensure(ctx, n.JS, staging.Options{StallTimeout: 2 * time.Second})
	require.NoError(t, err)
	putRandom(t, st, "b/0.sealed", 1<<20)
	var calls atomic.Int32
	proxyDirectGets(t, n, st, func(call int, req map[string]any, reply string, pc *nats.Conn) {
		calls.Add(1)
		m := nats.NewMsg(reply)
		m.Header.Set("Status", "408")
		m.Header.Set("Description", "Bad Request")
		_ = pc.PublishMsg(m)
	})
	rc, _, err := st.Get(ctx, "b/0.sealed")
	require.NoError(t, err)
	_, err = io.ReadAll(rc)
	require.ErrorContains(t, err, "status 408")
	require.NotErrorIs(t, err, staging.ErrStalled)
	require.Equal(t, int32(1), calls.Load())
}
