package cli_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/cmd/arca/internal/cli"
	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/pkg/seal"
)

// arca decrypt's documented exit codes: 0 opened, 2 not a sealed artifact
// (a malformed header) or bad arguments, 3 an artifact that fails
// authentication; --json gives typed values.
func TestDecryptExitCodes(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	t.Setenv("ARCA_KEYRING_PASSPHRASE", "test-passphrase")
	for _, k := range []string{"ARCA_NATS_URL", "ARCA_KEYRING", "ARCA_KEYS_KMS", "ARCA_DIR"} {
		t.Setenv(k, "")
	}
	env := arcaEnv{t: t, config: filepath.Join(dir, "arca.yaml"), dir: dir}
	writeConfig(t, env.config, "dir: "+dir+"\n")
	_, stderr, err := env.run(ctx, "keys", "init", "--ack-timeout", "0")
	require.NoError(t, err, stderr)
	kr := env.keyring(ctx)
	kek, err := kr.Primary("")
	require.NoError(t, err)

	plain := bytes.Repeat([]byte("residente,Ana\n"), 500)
	var sealed bytes.Buffer
	_, err = seal.Seal(ctx, &sealed, bytes.NewReader(plain), seal.Part{Artifact: "b1.a1", Last: true}, kek)
	require.NoError(t, err)
	good := filepath.Join(dir, "data.arca")
	require.NoError(t, os.WriteFile(good, sealed.Bytes(), 0o600))
	out := filepath.Join(dir, "plain")

	stdout, stderr, err := env.run(ctx, "--json", "decrypt", "--in", good, "--out", out, "--artifact", "b1.a1")
	require.NoError(t, err, stderr)
	var res map[string]any
	require.NoError(t, json.Unmarshal([]byte(stdout), &res))
	require.Equal(t, float64(len(plain)), res["bytes"])

	junk := filepath.Join(dir, "junk.arca")
	require.NoError(t, os.WriteFile(junk, bytes.Repeat([]byte{0x42}, 200), 0o600))
	_, _, err = env.run(ctx, "decrypt", "--in", junk, "--out", out+"2", "--artifact", "b1.a1")
	require.Equal(t, 2, cli.ExitCode(err), "%v", err)
	require.NoFileExists(t, out+"2")

	tampered := bytes.Clone(sealed.Bytes())
	tampered[len(tampered)-20] ^= 1
	bad := filepath.Join(dir, "tampered.arca")
	require.NoError(t, os.WriteFile(bad, tampered, 0o600))
	_, _, err = env.run(ctx, "decrypt", "--in", bad, "--out", out+"3", "--artifact", "b1.a1")
	require.Equal(t, 3, cli.ExitCode(err), "%v", err)
	_, _, err = env.run(ctx, "decrypt", "--in", good, "--out", out+"4", "--artifact", "another.a1")
	require.Equal(t, 3, cli.ExitCode(err), "sealed for another artifact: %v", err)
	require.NoFileExists(t, out+"3")

	_, _, err = env.run(ctx, "decrypt", "--in", good)
	require.Equal(t, 2, cli.ExitCode(err))
}

// A command that needs NATS says how to get one when it is not there.
func TestNATSUnreachableHint(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("ARCA_NATS_URL", "")
	env := arcaEnv{t: t, config: filepath.Join(dir, "arca.yaml"), dir: dir}
	writeConfig(t, env.config, "dir: "+dir+"\nnats: {url: 'nats://127.0.0.1:1'}\n")
	_, _, err := env.run(t.Context(), "status")
	require.Error(t, err)
	require.Contains(t, messages.OneLine(err), "is `arca dev` or the cluster running?")
	require.Equal(t, 1, cli.ExitCode(err))
}
