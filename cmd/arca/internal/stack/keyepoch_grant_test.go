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

	"github.com/arcabackup/arca/cmd/arca/internal/config"
	"github.com/arcabackup/arca/cmd/arca/internal/stack"
	"github.com/arcabackup/arca/pkg/embednats"
	"github.com/arcabackup/arca/pkg/seal/keyring"
)

// The NATS grants of deploy/compose let the encryptor and the verifier,
// connected as the services connect (stack.Connect), follow the keyring
// epoch: create the buckets, read and watch the epoch, heartbeat. The
// operator announces a change and both acknowledge it. A service cannot
// announce one itself.
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
	url := func(user, pw string) string { return fmt.Sprintf("nats://%s:%s@127.0.0.1:%d", user, pw, port) }

	ctx := t.Context()
	store := keyring.File{Path: filepath.Join(dir, "keyring.json"), Passphrase: []byte("p")}
	kr, err := keyring.Init(ctx, store)
	require.NoError(t, err)
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))

	nc, err := nats.Connect(url("operator", "pw-OPERATOR"))
	require.NoError(t, err)
	t.Cleanup(nc.Close)
	op, err := jetstream.New(nc)
	require.NoError(t, err)
	epochKV, instKV, err := stack.KeyringKV(ctx, op, 1)
	require.NoError(t, err)
	first, err := stack.AnnounceKeyring(ctx, epochKV, kr.Fingerprint(), "init")
	require.NoError(t, err)

	for _, svc := range []string{"encryptor", "verifier"} {
		cfg := config.Default()
		cfg.NATS.URL = url(svc, "pw-"+map[string]string{"encryptor": "ENCRYPTOR", "verifier": "VERIFIER"}[svc])
		conn, err := stack.Connect(ctx, cfg, svc)
		require.NoError(t, err, svc)
		t.Cleanup(conn.Close)
		live, stop, err := stack.LiveKeyring(ctx, store, conn.JS, 1, []string{svc}, quiet)
		require.NoError(t, err, svc)
		t.Cleanup(stop)
		_, err = live.Primary("")
		require.NoError(t, err)

		svcEpoch, _, err := stack.KeyringKV(ctx, conn.JS, 1)
		require.NoError(t, err)
		actx, cancel := context.WithTimeout(ctx, time.Second)
		_, err = stack.AnnounceKeyring(actx, svcEpoch, "forged", "forged by "+svc)
		cancel()
		require.Error(t, err, "%s may not announce a keyring epoch", svc)
		cur, _, err := stack.ReadKeyringEpoch(ctx, epochKV)
		require.NoError(t, err)
		require.Equal(t, first.Epoch, cur.Epoch, "the forged announcement did not land")
	}

	ann, err := stack.AnnounceKeyring(ctx, epochKV, kr.Fingerprint(), "sync")
	require.NoError(t, err)
	live, behind, err := stack.AwaitKeyring(ctx, instKV, ann.N, 30*time.Second)
	require.NoError(t, err)
	require.Len(t, live, 2)
	require.Empty(t, behind, "both services acknowledged the epoch through their own grants")
}
