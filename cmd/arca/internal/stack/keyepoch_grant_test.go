package stack_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/cmd/arca/internal/stack"
	"github.com/arcabackup/arca/pkg/embednats"
	"github.com/arcabackup/arca/pkg/seal/keyring"
)

// The NATS grants of deploy/compose let the encryptor and the verifier
// follow the keyring epoch (create the buckets, read and watch the epoch,
// heartbeat), let the operator announce a change, and refuse a service that
// tries to announce one itself.
func TestComposeGrantsFollowTheKeyringEpoch(t *testing.T) {
	accounts, err := os.ReadFile("../../../../deploy/compose/nats/accounts.conf")
	require.NoError(t, err)
	for _, u := range []string{"ADMIN", "ALERTER", "COORDINATOR", "ENCRYPTOR", "EXPORTER", "OPERATOR", "UPLOADER", "VERIFIER"} {
		t.Setenv("NATS_"+u+"_PASSWORD", "pw-"+u)
	}
	port, err := embednats.FreePort("127.0.0.1")
	require.NoError(t, err)
	dir := t.TempDir()
	conf := filepath.Join(dir, "nats.conf")
	require.NoError(t, os.WriteFile(conf, fmt.Appendf(nil, "listen: 127.0.0.1:%d\njetstream {store_dir: %q}\n%s", port, filepath.Join(dir, "js"), accounts), 0o600))
	opts, err := server.ProcessConfigFile(conf)
	require.NoError(t, err)
	opts.NoSigs = true
	srv, err := server.NewServer(opts)
	require.NoError(t, err)
	go srv.Start()
	t.Cleanup(srv.Shutdown)
	require.True(t, srv.ReadyForConnections(30*time.Second))

	connect := func(user string) (jetstream.JetStream, <-chan error) {
		denied := make(chan error, 16)
		nc, err := nats.Connect(fmt.Sprintf("nats://127.0.0.1:%d", port), nats.UserInfo(user, "pw-"+map[string]string{
			"operator": "OPERATOR", "encryptor": "ENCRYPTOR", "verifier": "VERIFIER"}[user]),
			nats.ErrorHandler(func(_ *nats.Conn, _ *nats.Subscription, err error) {
				select {
				case denied <- err:
				default:
				}
			}))
		require.NoError(t, err)
		t.Cleanup(nc.Close)
		js, err := jetstream.New(nc)
		require.NoError(t, err)
		return js, denied
	}
	ctx := t.Context()
	store := keyring.File{Path: filepath.Join(dir, "keyring.json"), Passphrase: []byte("p")}
	kr, err := keyring.Init(ctx, store)
	require.NoError(t, err)
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))

	op, _ := connect("operator")
	epochKV, instKV, err := stack.KeyringKV(ctx, op, 1)
	require.NoError(t, err)
	for _, svc := range []string{"encryptor", "verifier"} {
		js, denied := connect(svc)
		live, stop, err := stack.LiveKeyring(ctx, store, js, 1, []string{svc}, quiet)
		require.NoError(t, err, svc)
		t.Cleanup(stop)
		_, err = live.Primary("")
		require.NoError(t, err)
		svcEpoch, _, err := stack.KeyringKV(ctx, js, 1)
		require.NoError(t, err)
		actx, cancel := context.WithTimeout(ctx, time.Second)
		_, err = stack.AnnounceKeyring(actx, svcEpoch, kr.Fingerprint(), "forged by "+svc)
		cancel()
		require.Error(t, err, "a service may not announce a keyring epoch")
		select {
		case err := <-denied:
			require.ErrorContains(t, err, `Permissions Violation for Publish to "$KV.arca_keyring_epoch.epoch"`)
		case <-time.After(30 * time.Second):
			t.Fatalf("%s: no permissions violation reported for the announcement", svc)
		}
	}
	ann, err := stack.AnnounceKeyring(ctx, epochKV, kr.Fingerprint(), "sync")
	require.NoError(t, err)
	wctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	live, behind, err := stack.AwaitKeyring(wctx, instKV, ann.N, 30*time.Second)
	require.NoError(t, err)
	require.Len(t, live, 2)
	require.Empty(t, behind, "both services acknowledged the epoch through their own grants")
}
