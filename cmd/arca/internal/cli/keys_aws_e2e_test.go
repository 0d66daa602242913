package cli_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/cmd/arca/internal/cli"
	"github.com/arcabackup/arca/pkg/seal/keyring"
	"github.com/arcabackup/arca/pkg/seal/keyring/awskms"
	"github.com/arcabackup/arca/pkg/seal/keyring/awstest"
	"github.com/arcabackup/arca/pkg/teststack"
)

const testKMSKey = "arn:aws:kms:sa-east-1:111122223333:key/arca-test"

// awsEnv points the SDK's default credential chain at the local AWS server's
// test credentials and away from any real profile.
func awsEnv(t *testing.T) {
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDTEST")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "test-secret")
	t.Setenv("AWS_SESSION_TOKEN", "")
	t.Setenv("AWS_PROFILE", "")
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
}

// The keyring document held in Secrets Manager and its default key in KMS,
// through the real SDK against a local server speaking the AWS JSON
// protocol: keys init creates the secret with a KMS-backed primary; arca dev
// seals a tenant backup under it (one KMS Encrypt per part), and the
// running verifier and arca verify open it (KMS Decrypt); with the KMS key
// gone the backup no longer verifies.
func TestKMSAndSecretsManagerKeyringEndToEnd(t *testing.T) {
	ctx := t.Context()
	srv := awstest.New(t)
	srv.CreateKey(t, testKMSKey)
	awsEnv(t)
	dev := newDevEnv(t)
	t.Setenv("ARCA_KEYRING_PASSPHRASE", "") // no passphrase: the keyring is in Secrets Manager
	env := dev.arcaEnv
	dev.configure(fmt.Sprintf(`keys:
  keyring: secretsmanager://arca/test/keyring
  kms: awskms://%s
  aws: {region: sa-east-1, endpoint: %q}
`, testKMSKey, srv.URL))

	out, stderr, err := env.run(ctx, "--json", "keys", "init", "--ack-timeout", "0")
	require.NoError(t, err, stderr)
	var infos []keyring.Info
	require.NoError(t, json.Unmarshal([]byte(out), &infos), out)
	require.Len(t, infos, 1)
	require.Equal(t, "kms", infos[0].Kind)
	require.Contains(t, out, `"kind": "kms"`, "typed, snake_case JSON")
	require.Contains(t, out, `"created_at": "`)
	require.Contains(t, out, `"primary": true`)
	doc, ok := srv.Secret("arca/test/keyring")
	require.True(t, ok, "keys init created the secret")
	require.Contains(t, string(doc), "aws-kms://"+testKMSKey)
	require.NotContains(t, string(doc), "aes256gcm", "the keyring holds only the KMS key's URI")
	text, stderr, err := env.run(ctx, "keys", "list")
	require.NoError(t, err, stderr)
	require.Contains(t, text, "kms aws-kms://"+testKMSKey)
	_, err = os.Stat(filepath.Join(dev.dir, "keyring.json"))
	require.ErrorIs(t, err, os.ErrNotExist, "no keyring file is written")

	env.start("dev")
	teststack.Eventually(t, 2*time.Minute, func() bool {
		s, err := env.status(ctx)
		return err == nil && len(s.Instances) == 1
	}, "arca dev's services holding keys are listed by keys status")
	res, err := env.backupTenant(ctx, "acme")
	require.NoError(t, err, res.Reason)
	require.Equal(t, "verified", res.Status)
	require.Positive(t, srv.Calls("TrentService.Encrypt"))
	require.Positive(t, srv.Calls("TrentService.Decrypt"))
	require.Positive(t, srv.Calls("secretsmanager.GetSecretValue"))

	kc, err := awskms.NewClient(ctx, kms.NewFromConfig(srv.Config()))
	require.NoError(t, err)
	kr, err := keyring.Unmarshal(doc, keyring.WithKMS(kc))
	require.NoError(t, err)
	require.Equal(t, []string{infos[0].ID}, env.keyIDs(ctx, kr, "acme", res.BackupID), "parts name the KMS-backed key")

	decrypts := srv.Calls("TrentService.Decrypt")
	_, stderr, err = env.run(ctx, "verify", res.BackupID)
	require.NoError(t, err, stderr)
	require.Greater(t, srv.Calls("TrentService.Decrypt"), decrypts, "arca verify unwrapped the data keys through KMS")

	srv.DeleteKey(testKMSKey)
	_, _, err = env.run(ctx, "verify", res.BackupID)
	require.Error(t, err)
	require.NotEqual(t, 0, cli.ExitCode(err))
}

// A file keyring whose passphrase is held in Secrets Manager: no passphrase
// variable is needed, and a missing secret is a clear error.
func TestKeyringPassphraseFromSecretsManager(t *testing.T) {
	ctx := t.Context()
	srv := awstest.New(t)
	srv.PutSecretString("arca/test/passphrase", "from-secrets-manager\n")
	awsEnv(t)
	t.Setenv("ARCA_KEYRING_PASSPHRASE", "")
	for _, k := range []string{"ARCA_NATS_URL", "ARCA_KEYRING", "ARCA_KEYS_KMS", "ARCA_KEYS_AWS_ENDPOINT", "ARCA_DIR"} {
		t.Setenv(k, "")
	}
	dir := t.TempDir()
	env := arcaEnv{t: t, config: filepath.Join(dir, "arca.yaml"), dir: dir}
	cfg := func(secret string) string {
		return fmt.Sprintf("dir: %s\nkeys: {passphrase: 'secretsmanager://%s', aws: {region: sa-east-1, endpoint: %q}}\n", dir, secret, srv.URL)
	}
	writeConfig(t, env.config, cfg("arca/test/passphrase"))
	_, stderr, err := env.run(ctx, "keys", "init", "--ack-timeout", "0")
	require.NoError(t, err, stderr)
	out, stderr, err := env.run(ctx, "--json", "keys", "list")
	require.NoError(t, err, stderr)
	var infos []keyring.Info
	require.NoError(t, json.Unmarshal([]byte(out), &infos), out)
	require.Len(t, infos, 1)
	// The file opens under the secret's value (its trailing newline dropped).
	_, err = keyring.Load(ctx, keyring.File{Path: filepath.Join(dir, "keyring.json"), Passphrase: []byte("from-secrets-manager")})
	require.NoError(t, err)

	writeConfig(t, env.config, cfg("arca/test/missing"))
	_, _, err = env.run(ctx, "keys", "list")
	require.ErrorContains(t, err, "arca/test/missing")
}
