package grants_test

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/cmd/arca/internal/grants"
)

// Least privilege on the keys (the golden files are deploy/grants/keys,
// checked by TestCommittedGrantsAreGenerated): only the services that seal
// may kms:Encrypt, only those that open may kms:Decrypt, each on the one
// configured key and no other resource; the keyring's secret is read by
// the services that hold keys and written by the operator alone; nobody
// gets GenerateDataKey (Tink wraps data keys with Encrypt), and the
// exporter and the alerter get nothing.
func TestKeysPoliciesAreLeastPrivilege(t *testing.T) {
	const key = "arn:aws:kms:sa-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
	const secret = "arn:aws:secretsmanager:sa-east-1:111122223333:secret:arca/prod/keyring-AbCdEf"
	want := map[string][]string{
		"exporter":    nil,
		"alerter":     nil,
		"encryptor":   {"kms:Encrypt", "secretsmanager:GetSecretValue"},
		"uploader":    {"kms:Encrypt", "secretsmanager:GetSecretValue"},
		"verifier":    {"kms:Decrypt", "kms:Encrypt", "secretsmanager:GetSecretValue"},
		"coordinator": {"kms:Decrypt", "kms:Encrypt", "secretsmanager:GetSecretValue"},
		"restorer":    {"kms:Decrypt", "secretsmanager:GetSecretValue"},
		"operator":    {"kms:Decrypt", "kms:Encrypt", "secretsmanager:CreateSecret", "secretsmanager:GetSecretValue", "secretsmanager:PutSecretValue"},
	}
	seen := 0
	for _, s := range grants.Services() {
		w, ok := want[s.Name]
		require.True(t, ok, "a new service %s: say what it may do with keys", s.Name)
		seen++
		p := s.KeysPolicy(key, secret)
		if w == nil {
			require.Nil(t, p, s.Name)
			continue
		}
		require.NotNil(t, p, s.Name)
		var actions []string
		for _, st := range p.Statement {
			require.Equal(t, "Allow", st.Effect)
			for _, a := range st.Action {
				actions = append(actions, a)
				switch {
				case a[:4] == "kms:":
					require.Equal(t, []string{key}, st.Resource, "%s %s: the configured key only", s.Name, a)
				default:
					require.Equal(t, []string{secret}, st.Resource, "%s %s: the keyring's secret only", s.Name, a)
				}
			}
		}
		slices.Sort(actions)
		require.Equal(t, w, actions, s.Name)
		require.NotContains(t, actions, "kms:GenerateDataKey")
	}
	require.Equal(t, len(want), seen)

	// A deployment without KMS (file keyring, passphrase from Secrets
	// Manager) gets the secret statement only.
	for _, s := range grants.Services() {
		if p := s.KeysPolicy("", secret); p != nil {
			for _, st := range p.Statement {
				require.Equal(t, []string{secret}, st.Resource)
			}
		}
	}
}
