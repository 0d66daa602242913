package awskms_test

import (
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"errors"
	"fmt"
	"maps"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/seal"
	"github.com/arcabackup/arca/pkg/seal/keyring"
	"github.com/arcabackup/arca/pkg/seal/keyring/awskms"
)

const keyARN = "arn:aws:kms:sa-east-1:111122223333:key/0000-test"

// fakeKMS implements the SDK calls with AES-GCM keys per key id; the
// encryption context must match on Decrypt, as in KMS.
type fakeKMS struct {
	keys  map[string]cipher.AEAD
	calls int
}

func newFakeKMS(t *testing.T, ids ...string) *fakeKMS {
	f := &fakeKMS{keys: map[string]cipher.AEAD{}}
	for _, id := range ids {
		k := make([]byte, 32)
		_, _ = rand.Read(k)
		b, err := aes.NewCipher(k)
		require.NoError(t, err)
		f.keys[id], err = cipher.NewGCM(b)
		require.NoError(t, err)
	}
	return f
}

func ctxBytes(c map[string]string) []byte { return fmt.Append(nil, maps.Collect(maps.All(c))) }

func (f *fakeKMS) Encrypt(_ context.Context, in *kms.EncryptInput, _ ...func(*kms.Options)) (*kms.EncryptOutput, error) {
	f.calls++
	g, ok := f.keys[*in.KeyId]
	if !ok {
		return nil, errors.New("NotFoundException")
	}
	nonce := make([]byte, 12)
	_, _ = rand.Read(nonce)
	return &kms.EncryptOutput{CiphertextBlob: g.Seal(nonce, nonce, in.Plaintext, ctxBytes(in.EncryptionContext))}, nil
}

func (f *fakeKMS) Decrypt(_ context.Context, in *kms.DecryptInput, _ ...func(*kms.Options)) (*kms.DecryptOutput, error) {
	f.calls++
	g, ok := f.keys[*in.KeyId]
	if !ok || len(in.CiphertextBlob) < 12 {
		return nil, errors.New("InvalidCiphertextException")
	}
	p, err := g.Open(nil, in.CiphertextBlob[:12], in.CiphertextBlob[12:], ctxBytes(in.EncryptionContext))
	if err != nil {
		return nil, errors.New("InvalidCiphertextException")
	}
	return &kms.DecryptOutput{Plaintext: p}, nil
}

func TestKMSBackedKeyRoundTrip(t *testing.T) {
	t.Parallel()
	fake := newFakeKMS(t, keyARN)
	kc, err := awskms.NewClient(t.Context(), fake)
	require.NoError(t, err)
	kr := keyring.New(keyring.WithKMS(kc))
	v, err := kr.RotateKMS("", awskms.URIPrefix+keyARN)
	require.NoError(t, err)
	require.Equal(t, "kms", v.Kind)

	kek, err := kr.Primary("")
	require.NoError(t, err)
	plain := bytes.Repeat([]byte("id,nome\n1,Ana\n"), 1000)
	var sealed bytes.Buffer
	_, err = seal.Seal(t.Context(), &sealed, bytes.NewReader(plain), seal.Part{Artifact: "a", Last: true}, kek)
	require.NoError(t, err)

	// The document holds only the URI; a reloaded keyring opens through KMS.
	doc, err := kr.Marshal()
	require.NoError(t, err)
	require.NotContains(t, string(doc), "aes256gcm")
	kr2, err := keyring.Unmarshal(doc, keyring.WithKMS(kc))
	require.NoError(t, err)
	var out bytes.Buffer
	_, err = seal.Open(t.Context(), &out, bytes.NewReader(sealed.Bytes()), "a", kr2)
	require.NoError(t, err)
	require.Equal(t, plain, out.Bytes())
	require.Equal(t, 2, fake.calls) // one wrap, one unwrap

	// Another artifact id changes the encryption context: KMS refuses.
	_, err = seal.Open(t.Context(), &out, bytes.NewReader(sealed.Bytes()), "b", kr2)
	var ae *seal.AuthError
	require.True(t, errors.As(err, &ae))
	require.Equal(t, v.ID, ae.KeyID)
}
