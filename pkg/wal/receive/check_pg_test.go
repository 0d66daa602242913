package receive_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/teststack"
	"github.com/arcabackup/arca/pkg/wal/receive"
)

// TestCheckReportsSlotRetentionAndAnAbsentReceiver: with the receiver
// streaming the check passes; with it stopped while WAL is written, the slot
// retains more than the limit and no receiver is connected; a slot that does
// not exist is a problem; the receiver back, the check passes again.
func TestCheckReportsSlotRetentionAndAnAbsentReceiver(t *testing.T) {
	t.Parallel()
	p := newPrimary(t, options{})
	cfg := p.receiverConfig(t)
	run := start(t, cfg)
	limits := receive.Thresholds{MaxRetained: 8 << 20, MaxLag: time.Minute}
	healthy := func() bool {
		h, err := receive.Check(t.Context(), p.conn, receive.DefaultSlot, limits)
		require.NoError(t, err)
		return h.Exists && h.Active && h.SlotProblem == "" && h.StreamProblem == ""
	}
	teststack.Eventually(t, time.Minute, healthy, "a healthy stream")

	run.stop()
	_, err := p.conn.Exec(t.Context(), "INSERT INTO note (id) SELECT generate_series(1000, 200000)")
	require.NoError(t, err)
	p.switchWAL(t)
	var h receive.Health
	teststack.Eventually(t, time.Minute, func() bool {
		h, err = receive.Check(t.Context(), p.conn, receive.DefaultSlot, limits)
		require.NoError(t, err)
		return !h.Active // the walsender may take a moment to exit
	}, "the slot to be inactive")
	require.Greater(t, h.Retained, limits.MaxRetained)
	require.Contains(t, h.SlotProblem, "retains")
	require.Contains(t, h.StreamProblem, "no wal-receive connected")

	missing, err := receive.Check(t.Context(), p.conn, "no_such_slot", limits)
	require.NoError(t, err)
	require.False(t, missing.Exists)
	require.Contains(t, missing.SlotProblem, "does not exist")

	start(t, cfg)
	teststack.Eventually(t, 2*time.Minute, healthy, "the stream to catch up and the slot to be released")
}
