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
	"errors"

	"github.com/aws/aws-sdk-go-v2/service/kms/types"
	tinkawskms "github.com/tink-crypto/tink-go-awskms/v3/integration/awskms"
	"github.com/tink-crypto/tink-go/v2/core/registry"
	"github.com/tink-crypto/tink-go/v2/tink"

	"github.com/arcabackup/arca/pkg/seal"
)

// URIPrefix is the prefix of the key URIs this client serves.
const URIPrefix = "aws-kms://"

// API is the part of *kms.Client the client calls (Encrypt, Decrypt).
type API = tinkawskms.KMSAPI

// NewClient returns a KMS client for every aws-kms:// key URI, calling kms.
// The data-key associated data travels as the encryption context
// {"associatedData": hex}.
func NewClient(ctx context.Context, kms API) (registry.KMSClient, error) {
	c, err := tinkawskms.NewClientWithOptions(ctx, URIPrefix,
		tinkawskms.WithKMS(kms), tinkawskms.WithEncryptionContextName(tinkawskms.AssociatedData))
	if err != nil {
		return nil, err
	}
	return client{c}, nil
}

// client tells KMS's answers apart: only "this ciphertext is not under this
// key" is evidence against a part; anything else (KMS out of reach,
// throttled, access denied, the key disabled or gone) is a
// *seal.KeySourceError, which a verifier does not record as damage.
type client struct{ registry.KMSClient }

func (c client) GetAEAD(uri string) (tink.AEAD, error) {
	a, err := c.KMSClient.GetAEAD(uri)
	if err != nil {
		return nil, err
	}
	return aead{a}, nil
}

type aead struct{ tink.AEAD }

func (a aead) Decrypt(ciphertext, associatedData []byte) ([]byte, error) {
	plain, err := a.AEAD.Decrypt(ciphertext, associatedData)
	if err != nil && !errors.As(err, new(*types.InvalidCiphertextException)) && !errors.As(err, new(*types.IncorrectKeyException)) {
		return nil, &seal.KeySourceError{Err: err}
	}
	return plain, err
}
