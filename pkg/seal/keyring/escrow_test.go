package keyring_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/seal"
	"github.com/arcabackup/arca/pkg/seal/keyring"
	"github.com/arcabackup/arca/pkg/seal/keyring/awskms"
	"github.com/arcabackup/arca/pkg/seal/keyring/awstest"
)

const escrowKey = "arn:aws:kms:sa-east-1:111122223333:key/escrow"

// The escrow rebuilds a lost keyring from KMS alone: the default scope's
// versions, local or KMS-backed, and tenants' KMS-backed ones; a tenant's
// own local key is left out (erasing it must stay possible), and the
// escrow opens only through KMS.
func TestEscrowRebuildsTheKeyringWithKMSButNotTenantsLocalKeys(t *testing.T) {
	srv := awstest.New(t)
	srv.CreateKey(t, escrowKey)
	kc, err := awskms.NewClient(t.Context(), kms.NewFromConfig(srv.Config()))
	require.NoError(t, err)
	uri := "aws-kms://" + escrowKey

	var file, bucket []byte
	mem := memStore{doc: &file}
	store := keyring.Escrowed{Store: mem, KMS: kc, KMSURI: uri, Put: func(_ context.Context, b []byte) error { bucket = b; return nil }}
	kr, err := keyring.Init(t.Context(), store, keyring.WithKMS(kc))
	require.NoError(t, err)
	_, err = kr.RotateKMS("", uri)
	require.NoError(t, err)
	_, err = kr.Rotate("acme") // a tenant's own local key
	require.NoError(t, err)
	require.NoError(t, kr.Save(t.Context(), store))
	require.NotEmpty(t, bucket, "each save writes the escrow")
	require.NotContains(t, string(bucket), "aes256gcm", "the escrow holds no key in clear")

	// What the default scope sealed before the loss.
	kek, err := kr.Primary("")
	require.NoError(t, err)
	var sealed bytes.Buffer
	_, err = seal.Seal(t.Context(), &sealed, bytes.NewReader([]byte("resident record")), seal.Part{Artifact: "b.a1", Last: true}, kek)
	require.NoError(t, err)

	// The file is lost; KMS rebuilds the keyring.
	before := srv.Calls("TrentService.Decrypt")
	doc, err := keyring.OpenEscrow(bucket, kc)
	require.NoError(t, err)
	require.Greater(t, srv.Calls("TrentService.Decrypt"), before, "opened through kms:Decrypt")
	rebuilt, err := keyring.Unmarshal(doc, keyring.WithKMS(kc))
	require.NoError(t, err)
	var plain bytes.Buffer
	_, err = plain.ReadFrom(seal.NewReader(&sealed, "b.a1", rebuilt))
	require.NoError(t, err)
	require.Equal(t, "resident record", plain.String())
	for _, v := range rebuilt.List() {
		require.Empty(t, v.Tenant, "the tenant's local key is not escrowed")
	}
	require.Len(t, rebuilt.List(), 2)

	// Without the KMS key, the escrow opens for nobody.
	srv.DeleteKey(escrowKey)
	_, err = keyring.OpenEscrow(bucket, kc)
	require.Error(t, err)
	_, err = keyring.OpenEscrow([]byte(`{"format":"other"}`), kc)
	require.ErrorContains(t, err, "not an arca-keyring-escrow/1 document")
}

type memStore struct{ doc *[]byte }

func (m memStore) Load(context.Context) ([]byte, error) {
	if *m.doc == nil {
		return nil, keyring.ErrNotFound
	}
	return bytes.Clone(*m.doc), nil
}

func (m memStore) Save(_ context.Context, doc []byte, create bool) error {
	if create && *m.doc != nil {
		return keyring.ErrExists
	}
	*m.doc = bytes.Clone(doc)
	return nil
}
