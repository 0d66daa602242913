package awskms_test

import (
	"bytes"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/seal"
	"github.com/arcabackup/arca/pkg/seal/keyring"
	"github.com/arcabackup/arca/pkg/seal/keyring/awskms"
	"github.com/arcabackup/arca/pkg/seal/keyring/awstest"
)

const keyARN = "arn:aws:kms:sa-east-1:111122223333:key/0000-test"

// Through the real SDK client and the AWS JSON protocol: a part sealed under
// a KMS-backed version opens after the keyring is reloaded, each data key is
// wrapped and unwrapped by KMS, and once the KMS key is gone nothing opens.
func TestKMSBackedKeyThroughTheSDK(t *testing.T) {
	t.Parallel()
	srv := awstest.New(t)
	srv.CreateKey(t, keyARN)
	kc, err := awskms.NewClient(t.Context(), kms.NewFromConfig(srv.Config()))
	require.NoError(t, err)
	kr := keyring.New(keyring.WithKMS(kc))
	_, err = kr.RotateKMS("", awskms.URIPrefix+keyARN)
	require.NoError(t, err)
	kek, err := kr.Primary("")
	require.NoError(t, err)

	plain := bytes.Repeat([]byte("id,nome\n1,Ana\n"), 1000)
	var sealed bytes.Buffer
	_, err = seal.Seal(t.Context(), &sealed, bytes.NewReader(plain), seal.Part{Artifact: "a", Last: true}, kek)
	require.NoError(t, err)
	require.Equal(t, 1, srv.Calls("TrentService.Encrypt"))

	// The document holds only the key's URI; a reloaded keyring opens
	// through KMS.
	doc, err := kr.Marshal()
	require.NoError(t, err)
	require.NotContains(t, string(doc), "aes256gcm")
	kr2, err := keyring.Unmarshal(doc, keyring.WithKMS(kc))
	require.NoError(t, err)
	var out bytes.Buffer
	_, err = seal.Open(t.Context(), &out, bytes.NewReader(sealed.Bytes()), "a", kr2)
	require.NoError(t, err)
	require.Equal(t, plain, out.Bytes())
	require.Equal(t, 1, srv.Calls("TrentService.Decrypt"))

	// Another artifact id is another encryption context: refused.
	_, err = seal.Open(t.Context(), &out, bytes.NewReader(sealed.Bytes()), "b", kr2)
	var ae *seal.AuthError
	require.True(t, errors.As(err, &ae), "%v", err)

	srv.DeleteKey(keyARN)
	_, err = seal.Open(t.Context(), &out, bytes.NewReader(sealed.Bytes()), "a", kr2)
	require.Error(t, err)
}
