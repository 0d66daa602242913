package staging

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"io"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/teststack"
)

// These tests put a subscriber in front of the bucket's direct gets
// (proxyDirectGets) that changes the server's replies.

func putRandom(t *testing.T, st *Store, key string, size int) []byte {
	t.Helper()
	data := make([]byte, size)
	_, _ = rand.Read(data)
	_, err := st.Put(t.Context(), key, bytes.NewReader(data), nil)
	require.NoError(t, err)
	return data
}

// proxy serves st.sealed's direct gets on another subject, through f.
func proxyDirectGets(t *testing.T, n *teststack.NATS, st *Store, f func(call int, req map[string]any, reply string, pc *nats.Conn)) {
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
	st.sealed.direct.subject = "review.dg"
}

// relay sends req to the real direct get and hands each reply to each.
func relayDirectGet(t *testing.T, pc *nats.Conn, subject string, req map[string]any, each func(m *nats.Msg) bool) {
	inbox := pc.NewInbox()
	sub, err := pc.SubscribeSync(inbox)
	require.NoError(t, err)
	defer func() { _ = sub.Unsubscribe() }()
	b, _ := json.Marshal(req)
	require.NoError(t, pc.PublishRequest(subject, inbox, b))
	for {
		m, err := sub.NextMsg(2 * time.Second)
		if err != nil {
			return
		}
		if !each(m) {
			return
		}
		if s := m.Header.Get("Status"); s != "" {
			return
		}
		if _, ok := req["batch"]; !ok {
			return
		}
	}
}

func forwardReply(pc *nats.Conn, reply string, m *nats.Msg) {
	out := nats.NewMsg(reply)
	out.Header = m.Header
	out.Data = m.Data
	_ = pc.PublishMsg(out)
}

// A server that ignores batch (before 2.11) answers each request with one chunk: the reader takes it as a batch of one.
func TestABatchIgnoredByTheServerReadsChunkByChunk(t *testing.T) {
	n := teststack.NewNATS(t)
	ctx := t.Context()
	st, err := Ensure(ctx, n.JS, Options{})
	require.NoError(t, err)
	data := putRandom(t, st, "o/0.sealed", 1<<20+5)
	realSubj := st.sealed.direct.subject
	proxyDirectGets(t, n, st, func(_ int, req map[string]any, reply string, pc *nats.Conn) {
		delete(req, "batch")
		delete(req, "max_bytes")
		relayDirectGet(t, pc, realSubj, req, func(m *nats.Msg) bool { forwardReply(pc, reply, m); return true })
	})
	rc, _, err := st.Get(ctx, "o/0.sealed")
	require.NoError(t, err)
	got, err := io.ReadAll(rc)
	require.NoError(t, err)
	require.NoError(t, rc.Close())
	require.True(t, bytes.Equal(data, got))
}

// A batch cut short (no more replies, no EOB) hands out what came
// and asks again from the next chunk.
func TestABatchCutShortIsAskedAgainFromTheNextChunk(t *testing.T) {
	n := teststack.NewNATS(t)
	ctx := t.Context()
	st, err := Ensure(ctx, n.JS, Options{StallTimeout: 2 * time.Second})
	require.NoError(t, err)
	data := putRandom(t, st, "p/0.sealed", 3<<20)
	realSubj := st.sealed.direct.subject
	var seqs []any
	proxyDirectGets(t, n, st, func(call int, req map[string]any, reply string, pc *nats.Conn) {
		seqs = append(seqs, req["seq"])
		k := 0
		relayDirectGet(t, pc, realSubj, req, func(m *nats.Msg) bool {
			k++
			if call == 1 && k > 3 {
				return false // cut after 3 chunks
			}
			forwardReply(pc, reply, m)
			return true
		})
	})
	rc, _, err := st.Get(ctx, "p/0.sealed")
	require.NoError(t, err)
	got, err := io.ReadAll(rc)
	require.NoError(t, err)
	require.NoError(t, rc.Close())
	require.True(t, bytes.Equal(data, got))
	t.Logf("requests from seqs %v", seqs)
}

// A reply without Nats-Num-Pending in the middle of a batch (never from
// 2.15) ends the batch there: the chunks before it are kept, not dropped
// (which read as a damaged part, found by review).
func TestAReplyWithoutPendingMidBatchKeepsTheChunksBeforeIt(t *testing.T) {
	n := teststack.NewNATS(t)
	ctx := t.Context()
	st, err := Ensure(ctx, n.JS, Options{StallTimeout: 2 * time.Second})
	require.NoError(t, err)
	data := putRandom(t, st, "m/0.sealed", 1<<20)
	realSubj := st.sealed.direct.subject
	proxyDirectGets(t, n, st, func(call int, req map[string]any, reply string, pc *nats.Conn) {
		k := 0
		relayDirectGet(t, pc, realSubj, req, func(m *nats.Msg) bool {
			k++
			if call == 1 && k == 2 {
				m.Header.Del("Nats-Num-Pending")
			}
			forwardReply(pc, reply, m)
			return true
		})
	})
	rc, _, err := st.Get(ctx, "m/0.sealed")
	require.NoError(t, err)
	got, err := io.ReadAll(rc)
	require.NoError(t, err)
	require.NoError(t, rc.Close())
	require.True(t, bytes.Equal(data, got))
}

// A status the server would repeat (408, a request it cannot read) ends
// the read at once instead of being asked again until the stall timeout.
func TestAStatusTheServerWouldRepeatEndsTheReadAtOnce(t *testing.T) {
	n := teststack.NewNATS(t)
	ctx := t.Context()
	st, err := Ensure(ctx, n.JS, Options{StallTimeout: 2 * time.Second})
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
	require.NotErrorIs(t, err, ErrStalled)
	require.Equal(t, int32(1), calls.Load())
}
