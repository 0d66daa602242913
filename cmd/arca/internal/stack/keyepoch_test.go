package stack_test

import (
	"io"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/cmd/arca/internal/stack"
	"github.com/arcabackup/arca/pkg/seal/keyring"
	"github.com/arcabackup/arca/pkg/teststack"
)

// liveKeyring starts NATS, a keyring file with its first key, and one
// encryptor's live keyring (stopped when the test ends).
func liveKeyring(t *testing.T) (*teststack.NATS, *keyring.Keyring, *keyring.Live) {
	t.Helper()
	n := teststack.NewNATS(t)
	store := keyring.File{Path: filepath.Join(t.TempDir(), "keyring.json"), Passphrase: []byte("p")}
	kr, err := keyring.Init(t.Context(), store)
	require.NoError(t, err)
	live, stop, err := stack.LiveKeyring(t.Context(), store, n.JS, 1, []string{"encryptor"}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	require.NoError(t, err)
	t.Cleanup(stop)
	return n, kr, live
}

// Announcing the saved keyring waits for the instance that holds keys to
// load it; a keyring no instance can load leaves it behind, named in the
// error and counted by the status.
func TestAnnounceAndAwaitWaitsForEveryInstance(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	n, kr, _ := liveKeyring(t)

	ack, err := stack.AnnounceAndAwait(ctx, n.JS, 1, kr.Fingerprint(), "sync", time.Minute)
	require.NoError(t, err)
	require.NoError(t, ack.Err(time.Minute))
	require.Len(t, ack.Live, 1)
	st, err := stack.ReadKeyringStatus(ctx, n.JS, 1)
	require.NoError(t, err)
	require.Equal(t, ack.Announcement.N, st.Epoch.N)
	require.Zero(t, st.Behind)

	ack, err = stack.AnnounceAndAwait(ctx, n.JS, 1, "not-the-saved-keyring", "rotate", 0)
	require.NoError(t, err)
	require.Empty(t, ack.Live, "not waited for")

	ack, err = stack.AnnounceAndAwait(ctx, n.JS, 1, "not-the-saved-keyring", "rotate", time.Second)
	require.NoError(t, err)
	require.Len(t, ack.Behind, 1)
	require.ErrorContains(t, ack.Err(time.Second), "1 of 1 running instances did not load it within 1s")
	st, err = stack.ReadKeyringStatus(ctx, n.JS, 1)
	require.NoError(t, err)
	require.Equal(t, 1, st.Behind)
}

// A service that can no longer reach NATS cannot learn of a change: once
// its lease runs out it stops sealing and opening instead of carrying on
// with a keyring that may have been superseded.
func TestLiveKeyringCutOffFromNATSStopsUsingKeysAfterTheLease(t *testing.T) {
	t.Parallel()
	n, _, live := liveKeyring(t)
	_, err := live.Primary("")
	require.NoError(t, err)

	cut := time.Now()
	n.Server.Stop()
	teststack.Eventually(t, 2*stack.KeyringLease, func() bool {
		_, err := live.Primary("")
		return err != nil
	}, "sealing refused once the lease ends")
	_, err = live.Primary("")
	require.ErrorIs(t, err, keyring.ErrStale)
	require.ErrorContains(t, err, "not confirmed")
	require.GreaterOrEqual(t, time.Since(cut), stack.KeyringLease-stack.KeyringPoll, "not before the lease could have run out")
}
