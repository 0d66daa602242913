// Package awskms lets keyring versions keep their key-encryption key in AWS
// KMS: the KMS key wraps each part's data key itself (one Encrypt per sealed
// part, one Decrypt per opened part), and the keyring document holds only the
// key URI. It adapts tink-go-awskms (aws-sdk-go-v2) to keyring.WithKMS.
//
//	kc, _ := awskms.NewClient(ctx, kms.NewFromConfig(cfg))
//	kr, _ := keyring.Load(ctx, store, keyring.WithKMS(kc))
//	kr.RotateKMS("", "aws-kms://arn:aws:kms:sa-east-1:111122223333:key/…")
package awskms

import (
	"context"

	tinkawskms "github.com/tink-crypto/tink-go-awskms/v3/integration/awskms"
	"github.com/tink-crypto/tink-go/v2/core/registry"
)

// URIPrefix is the prefix of the key URIs this client serves.
const URIPrefix = "aws-kms://"

// API is the part of *kms.Client the client calls (Encrypt, Decrypt).
type API = tinkawskms.KMSAPI

// NewClient returns a KMS client for every aws-kms:// key URI, calling kms.
// The data-key associated data travels as the encryption context
// {"associatedData": hex}.
func NewClient(ctx context.Context, kms API) (registry.KMSClient, error) {
	return tinkawskms.NewClientWithOptions(ctx, URIPrefix,
		tinkawskms.WithKMS(kms), tinkawskms.WithEncryptionContextName(tinkawskms.AssociatedData))
}
