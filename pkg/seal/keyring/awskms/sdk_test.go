package awskms_test

import (
	"bytes"
	"errors"
	"io"
	"net"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/stretchr/testify/require"
	"github.com/tink-crypto/tink-go/v2/core/registry"

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
	srv, kc, kr, kek := kmsKeyring(t)

	plain := bytes.Repeat([]byte("id,nome\n1,Ana\n"), 1000)
	var sealed bytes.Buffer
	_, err := seal.Seal(t.Context(), &sealed, bytes.NewReader(plain), seal.Part{Artifact: "a", Last: true}, kek)
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

// KMS out of reach is not evidence against a part (decision 37): opening
// fails with a *seal.KeySourceError and no *seal.AuthError, so a verifier
// records no failed verification; a ciphertext KMS refuses still is one.
func TestKMSOutOfReachIsNoVerdictOnThePart(t *testing.T) {
	t.Parallel()
	srv, kc, kr, kek := kmsKeyring(t)
	var sealed bytes.Buffer
	_, err := seal.Seal(t.Context(), &sealed, bytes.NewReader([]byte("id,nome\n1,Ana\n")), seal.Part{Artifact: "a", Last: true}, kek)
	require.NoError(t, err)
	doc, err := kr.Marshal()
	require.NoError(t, err)

	// The same keyring with a KMS endpoint nothing listens on.
	down := srv.Config()
	down.BaseEndpoint = aws.String(closedURL(t))
	down.RetryMaxAttempts = 1
	kcDown, err := awskms.NewClient(t.Context(), kms.NewFromConfig(down))
	require.NoError(t, err)
	krDown, err := keyring.Unmarshal(doc, keyring.WithKMS(kcDown))
	require.NoError(t, err)
	_, err = seal.Open(t.Context(), io.Discard, bytes.NewReader(sealed.Bytes()), "a", krDown)
	var ks *seal.KeySourceError
	require.ErrorAs(t, err, &ks)
	var ae *seal.AuthError
	require.False(t, errors.As(err, &ae), "an unreachable KMS must not read as a part that fails authentication: %v", err)

	// KMS answering that the ciphertext is not its own is a verdict.
	kr2, err := keyring.Unmarshal(doc, keyring.WithKMS(kc))
	require.NoError(t, err)
	_, err = seal.Open(t.Context(), io.Discard, bytes.NewReader(sealed.Bytes()), "b", kr2)
	require.ErrorAs(t, err, &ae)
	require.False(t, errors.As(err, &ks), "%v", err)
}

// closedURL is an http URL on loopback where nothing listens.
func closedURL(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	return "http://" + addr
}

// kmsKeyring is a keyring whose primary version is a key of a local KMS,
// reached through the real SDK client.
func kmsKeyring(t *testing.T) (*awstest.Server, registry.KMSClient, *keyring.Keyring, seal.KEK) {
	t.Helper()
	srv := awstest.New(t)
	srv.CreateKey(t, keyARN)
	kc, err := awskms.NewClient(t.Context(), kms.NewFromConfig(srv.Config()))
	require.NoError(t, err)
	kr := keyring.New(keyring.WithKMS(kc))
	_, err = kr.RotateKMS("", awskms.URIPrefix+keyARN)
	require.NoError(t, err)
	kek, err := kr.Primary("")
	require.NoError(t, err)
	return srv, kc, kr, kek
}
