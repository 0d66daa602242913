package cli_test

import (
	"bytes"
	"crypto/rand"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/cmd/arca/internal/cli"
	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/objstore"
	"github.com/arcabackup/arca/pkg/objstore/fsstore"
	"github.com/arcabackup/arca/pkg/seal"
	"github.com/arcabackup/arca/pkg/seal/keyring"
	"github.com/arcabackup/arca/pkg/teststack"
	"github.com/arcabackup/arca/pkg/wal"
	"github.com/arcabackup/arca/pkg/wal/agent"
)

// arca wal-agent follows the keyring epoch: keys rotate waits for it and
// the next file it seals names the new key; wal-push --agent-dir exits 0
// through it, and archives directly (saying so) once it is gone.
func TestWALAgentFollowsTheKeyringEpoch(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	nats := teststack.NewNATS(t)
	t.Setenv("ARCA_KEYRING_PASSPHRASE", "test-passphrase")
	for _, k := range []string{"ARCA_NATS_URL", "ARCA_KEYRING", "ARCA_DIR", "ARCA_STORE_KIND", "ARCA_STORE_DIR", "ARCA_STORE_PREFIX", "ARCA_WAL_AGENT_DIR"} {
		t.Setenv(k, "")
	}
	env := arcaEnv{t: t, config: filepath.Join(dir, "arca.yaml"), dir: dir}
	writeConfig(t, env.config, fmt.Sprintf("dir: %s\nnats: {url: %q}\n", dir, nats.URL))
	_, stderr, err := env.run(ctx, "keys", "init")
	require.NoError(t, err, stderr)

	sock := filepath.Join(dir, "agent")
	stop := env.start("wal-agent", "--dir", sock)
	teststack.Eventually(t, time.Minute, func() bool {
		c, err := net.Dial("unix", agent.SocketPath(sock))
		if err == nil {
			_ = c.Close()
		}
		return err == nil
	}, "the agent to listen")
	s, err := env.status(ctx)
	require.NoError(t, err)
	require.Len(t, s.Instances, 1)
	require.Equal(t, []string{"wal-agent"}, s.Instances[0].Services)

	pgwal := t.TempDir()
	segment := func(n int) string {
		p := filepath.Join(pgwal, fmt.Sprintf("0000000100000000%08X", n))
		data := make([]byte, 8192)
		_, _ = rand.Read(data[:100])
		require.NoError(t, os.WriteFile(p, data, 0o600))
		return p
	}
	push := func(p string) string {
		var out, errOut bytes.Buffer
		err := cli.Execute(ctx, []string{"--config", env.config, "wal-push", "--agent-dir", sock, p}, &out, &errOut)
		require.NoError(t, err, errOut.String())
		return errOut.String()
	}
	store, err := fsstore.New(filepath.Join(dir, "bucket"))
	require.NoError(t, err)
	keyOf := func(p string) string {
		f, err := wal.ParseName(filepath.Base(p))
		require.NoError(t, err)
		cfg := wal.Config{Layout: backup.Layout{Prefix: "arca"}}
		obj, err := store.Get(ctx, cfg.Key(f), objstore.Range{})
		require.NoError(t, err)
		defer func() { _ = obj.Close() }()
		kr := env.keyring(ctx)
		rec := &recordingKeys{kr: kr, seen: map[string]bool{}}
		_, err = io.Copy(io.Discard, seal.NewReader(obj, wal.ArtifactID(f), rec))
		require.NoError(t, err)
		require.Len(t, rec.seen, 1)
		for id := range rec.seen {
			return id
		}
		return ""
	}

	first := segment(1)
	require.NotContains(t, push(first), "archiving directly")
	before := keyOf(first)

	_, stderr, err = env.run(ctx, "keys", "rotate")
	require.NoError(t, err, "keys rotate returns once the agent holds the new keyring: %s", stderr)
	second := segment(2)
	require.NotContains(t, push(second), "archiving directly")
	after := keyOf(second)
	require.NotEqual(t, before, after, "sealed under the rotated key")
	primary, err := env.keyring(ctx).Primary("")
	require.NoError(t, err)
	require.Equal(t, primary.ID, after)

	stop()
	third := segment(3)
	require.Contains(t, push(third), "archiving directly")
	require.Equal(t, primary.ID, keyOf(third))
}

// Without NATS, arca wal-agent loads the keyring once and again on SIGHUP
// (and a SIGHUP does not end it).
func TestWALAgentReloadsTheKeyringOnSIGHUP(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	t.Setenv("ARCA_KEYRING_PASSPHRASE", "test-passphrase")
	for _, k := range []string{"ARCA_NATS_URL", "ARCA_KEYRING", "ARCA_DIR", "ARCA_STORE_KIND", "ARCA_STORE_DIR", "ARCA_STORE_PREFIX", "ARCA_WAL_AGENT_DIR"} {
		t.Setenv(k, "")
	}
	env := arcaEnv{t: t, config: filepath.Join(dir, "arca.yaml"), dir: dir}
	writeConfig(t, env.config, fmt.Sprintf("dir: %s\nnats: {url: 'nats://127.0.0.1:1'}\n", dir))
	ks := keyring.File{Path: filepath.Join(dir, "keyring.json"), Passphrase: []byte("test-passphrase")}
	_, err := keyring.Init(ctx, ks)
	require.NoError(t, err)

	sock := filepath.Join(dir, "agent")
	env.start("wal-agent", "--dir", sock, "--follow-epoch=false")
	teststack.Eventually(t, time.Minute, func() bool {
		c, err := net.Dial("unix", agent.SocketPath(sock))
		if err == nil {
			_ = c.Close()
		}
		return err == nil
	}, "the agent to listen")

	kr, err := keyring.Load(ctx, ks)
	require.NoError(t, err)
	_, err = kr.Rotate("")
	require.NoError(t, err)
	require.NoError(t, kr.Save(ctx, ks))
	want, err := kr.Primary("")
	require.NoError(t, err)
	require.NoError(t, syscall.Kill(os.Getpid(), syscall.SIGHUP))

	store, err := fsstore.New(filepath.Join(dir, "bucket"))
	require.NoError(t, err)
	pgwal := t.TempDir()
	n := 0
	teststack.Eventually(t, time.Minute, func() bool {
		n++
		p := filepath.Join(pgwal, fmt.Sprintf("0000000100000000%08X", n))
		require.NoError(t, os.WriteFile(p, []byte(fmt.Sprint("segment ", n)), 0o600))
		var errOut bytes.Buffer
		err := cli.Execute(ctx, []string{"--config", env.config, "wal-push", "--agent-dir", sock, p}, io.Discard, &errOut)
		require.NoError(t, err, errOut.String())
		require.NotContains(t, errOut.String(), "archiving directly")
		f, _ := wal.ParseName(filepath.Base(p))
		obj, err := store.Get(ctx, (wal.Config{Layout: backup.Layout{Prefix: "arca"}}).Key(f), objstore.Range{})
		require.NoError(t, err)
		defer func() { _ = obj.Close() }()
		rec := &recordingKeys{kr: kr, seen: map[string]bool{}}
		_, err = io.Copy(io.Discard, seal.NewReader(obj, wal.ArtifactID(f), rec))
		require.NoError(t, err)
		return rec.seen[want.ID]
	}, "a file sealed under the key rotated in before SIGHUP")
}
