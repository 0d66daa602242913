package cli_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/cmd/arca/internal/config"
	"github.com/arcabackup/arca/cmd/arca/internal/stack"
	"github.com/arcabackup/arca/pkg/seal"
	"github.com/arcabackup/arca/pkg/seal/keyring/awstest"
)

// Game day 5's open finding, closed: a file keyring whose default key is
// in KMS is lost with its host; its escrow in the bucket, opened with
// kms:Decrypt, rebuilds it, and what was sealed before opens again. A
// tenant's own local key is not rebuilt (erasure stays final); an existing
// keyring is never overwritten; without the KMS key nothing is recovered.
func TestKeysRecoverFromBucketRebuildsALostKeyringFileWithKMS(t *testing.T) {
	ctx := t.Context()
	srv := awstest.New(t)
	srv.CreateKey(t, testKMSKey)
	awsEnv(t)
	dir := t.TempDir()
	for _, k := range []string{"ARCA_NATS_URL", "ARCA_KEYRING", "ARCA_KEYS_KMS", "ARCA_KEYS_AWS_ENDPOINT", "ARCA_DIR", "ARCA_STORE_KIND", "ARCA_STORE_DIR", "ARCA_STORE_PREFIX"} {
		t.Setenv(k, "")
	}
	t.Setenv("ARCA_TEST_RECOVER_PASS", "correct horse battery staple")
	keyfile := filepath.Join(dir, "etc", "keyring.json")
	env := arcaEnv{t: t, config: filepath.Join(dir, "arca.yaml"), dir: dir}
	writeConfig(t, env.config, fmt.Sprintf(`dir: %s
store: {kind: fs, prefix: prod, fs: {dir: %s}, destinations: [{name: copy, kind: fs, fs: {dir: %s}}]}
keys:
  keyring: file:%s
  passphrase_env: ARCA_TEST_RECOVER_PASS
  kms: awskms://%s
  aws: {region: sa-east-1, endpoint: %q}
`, dir, filepath.Join(dir, "bucket"), filepath.Join(dir, "copy"), keyfile, testKMSKey, srv.URL))
	cfg, err := config.Load(env.config, os.Getenv)
	require.NoError(t, err)

	_, stderr, err := env.run(ctx, "keys", "init", "--ack-timeout", "0")
	require.NoError(t, err, stderr)
	_, stderr, err = env.run(ctx, "keys", "rotate", "--tenant", "acme", "--ack-timeout", "0")
	require.NoError(t, err, stderr)
	set, err := stack.Destinations(ctx, cfg)
	require.NoError(t, err)
	for _, d := range set {
		info, err := d.Store.Stat(ctx, stack.EscrowKey(cfg))
		require.NoError(t, err, "the escrow is in destination %s", d.Name)
		require.Positive(t, info.Size)
	}
	// Written again on demand; --json says where, and that the tenant's
	// own key was left out.
	out, stderr, err := env.run(ctx, "keys", "escrow", "--json")
	require.NoError(t, err, stderr)
	var escrowed struct {
		Key     string `json:"key"`
		LeftOut int    `json:"left_out"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &escrowed), out)
	require.Equal(t, stack.EscrowKey(cfg), escrowed.Key)
	require.Equal(t, 1, escrowed.LeftOut)

	kr, err := stack.Keyring(ctx, cfg, false)
	require.NoError(t, err)
	kek, err := kr.Primary("")
	require.NoError(t, err)
	var sealed bytes.Buffer
	_, err = seal.Seal(ctx, &sealed, bytes.NewReader([]byte("Residente 1, 1940-01-02")), seal.Part{Artifact: "b.a1", Last: true}, kek)
	require.NoError(t, err)

	// The host is lost: no keyring file anywhere; the primary bucket's
	// escrow is gone too, the copy's is not.
	require.NoError(t, os.RemoveAll(filepath.Dir(keyfile)))
	require.NoError(t, set[0].Store.Delete(ctx, stack.EscrowKey(cfg)))
	_, _, err = env.run(ctx, "keys", "list")
	require.Error(t, err)

	_, _, err = env.run(ctx, "keys", "recover")
	require.Error(t, err, "--from-bucket is required")
	before := srv.Calls("TrentService.Decrypt")
	out, stderr, err = env.run(ctx, "keys", "recover", "--from-bucket")
	require.NoError(t, err, stderr)
	require.Contains(t, out, "recovered the keyring")
	require.Contains(t, stderr, "from destination copy")
	require.Greater(t, srv.Calls("TrentService.Decrypt"), before, "kms:Decrypt opened it")
	st, err := os.Stat(keyfile)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), st.Mode().Perm())

	out, stderr, err = env.run(ctx, "keys", "list")
	require.NoError(t, err, stderr)
	require.Contains(t, out, "aws-kms://"+testKMSKey)
	require.NotContains(t, out, "acme", "the tenant's local key is not escrowed")
	rebuilt, err := stack.Keyring(ctx, cfg, false)
	require.NoError(t, err)
	var plain bytes.Buffer
	_, err = plain.ReadFrom(seal.NewReader(&sealed, "b.a1", rebuilt))
	require.NoError(t, err)
	require.Equal(t, "Residente 1, 1940-01-02", plain.String())

	_, _, err = env.run(ctx, "keys", "recover", "--from-bucket")
	require.Error(t, err, "an existing keyring is never overwritten")

	require.NoError(t, os.Remove(keyfile))
	srv.DeleteKey(testKMSKey)
	_, _, err = env.run(ctx, "keys", "recover", "--from-bucket")
	require.Error(t, err, "without the KMS key nothing opens")
	_, err = os.Stat(keyfile)
	require.ErrorIs(t, err, os.ErrNotExist)
}
