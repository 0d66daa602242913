package grants

import "slices"

// KeyUse is what a service does with the keys kept outside the keyring
// file: the KMS key of KMS-backed key versions (keys.kms) and the Secrets
// Manager secret holding the keyring, or a file keyring's passphrase
// (keys.keyring / keys.passphrase). Tink's AWS KMS client wraps a part's
// data key with kms:Encrypt and unwraps it with kms:Decrypt; Arca never
// calls GenerateDataKey, so no service is granted it.
type KeyUse struct {
	// Encrypt: seals (parts, manifests, verified.json, base backups).
	Encrypt bool
	// Decrypt: opens what was sealed (verification, restores, drills).
	Decrypt bool
	// ReadKeyring: loads the keyring (or its passphrase) from the secret.
	ReadKeyring bool
	// WriteKeyring: the key commands (keys init, rotate, erase-tenant)
	// write new versions of the keyring secret.
	WriteKeyring bool
}

// The placeholders the generated files carry for the deployment's ARNs
// (replace them, e.g. with envsubst).
const (
	KMSKeyARNVar = "${ARCA_KMS_KEY_ARN}"
	// SecretARNVar is the keyring's secret (a secretsmanager:// keyring)
	// or the passphrase's (a file: keyring with keys.passphrase). Secrets
	// Manager appends six random characters to a secret's name in its
	// ARN: name it as arn:...:secret:NAME-?????? if the ARN is unknown.
	SecretARNVar = "${ARCA_KEYRING_SECRET_ARN}"
)

// KeysPolicy is the IAM policy of a service on the KMS key and the
// keyring's secret: only the actions it calls, only on those two ARNs;
// nil when it holds no keys.
func (s Service) KeysPolicy(kmsKeyARN string, secretARNs ...string) *Policy {
	var kms, sm []string
	if s.Keys.Encrypt {
		kms = append(kms, "kms:Encrypt")
	}
	if s.Keys.Decrypt {
		kms = append(kms, "kms:Decrypt")
	}
	if s.Keys.ReadKeyring {
		sm = append(sm, "secretsmanager:GetSecretValue")
	}
	if s.Keys.WriteKeyring {
		// keys init creates the secret; later commands add versions.
		sm = append(sm, "secretsmanager:CreateSecret", "secretsmanager:PutSecretValue")
	}
	if len(kms) == 0 && len(sm) == 0 {
		return nil
	}
	p := &Policy{Version: "2012-10-17"}
	if len(kms) > 0 && kmsKeyARN != "" {
		slices.Sort(kms)
		p.Statement = append(p.Statement, Statement{Sid: sidFor(s.Name, "KMS"), Effect: "Allow", Action: kms, Resource: []string{kmsKeyARN}})
	}
	if len(sm) > 0 && len(secretARNs) > 0 {
		slices.Sort(sm)
		p.Statement = append(p.Statement, Statement{Sid: sidFor(s.Name, "Keyring"), Effect: "Allow", Action: sm, Resource: slices.Clone(secretARNs)})
	}
	if len(p.Statement) == 0 {
		return nil
	}
	return p
}
