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

// A service that can no longer reach NATS cannot learn of a change: once
// its lease runs out it stops sealing and opening instead of carrying on
// with a keyring that may have been superseded.
func TestLiveKeyringCutOffFromNATSStopsUsingKeysAfterTheLease(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	n := teststack.NewNATS(t)
	store := keyring.File{Path: filepath.Join(t.TempDir(), "keyring.json"), Passphrase: []byte("p")}
	_, err := keyring.Init(ctx, store)
	require.NoError(t, err)
	live, stop, err := stack.LiveKeyring(ctx, store, n.JS, 1, []string{"encryptor"}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	require.NoError(t, err)
	t.Cleanup(stop)
	_, err = live.Primary("")
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
