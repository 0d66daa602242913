package secretsmanager_test

import (
	"bytes"
	"context"
	"testing"

	sm "github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"
	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/seal/keyring"
	"github.com/arcabackup/arca/pkg/seal/keyring/secretsmanager"
)

type fakeSM struct{ secrets map[string][]byte }

func (f *fakeSM) GetSecretValue(_ context.Context, in *sm.GetSecretValueInput, _ ...func(*sm.Options)) (*sm.GetSecretValueOutput, error) {
	v, ok := f.secrets[*in.SecretId]
	if !ok {
		return nil, &types.ResourceNotFoundException{}
	}
	return &sm.GetSecretValueOutput{SecretBinary: bytes.Clone(v)}, nil
}

func (f *fakeSM) PutSecretValue(_ context.Context, in *sm.PutSecretValueInput, _ ...func(*sm.Options)) (*sm.PutSecretValueOutput, error) {
	if _, ok := f.secrets[*in.SecretId]; !ok {
		return nil, &types.ResourceNotFoundException{}
	}
	f.secrets[*in.SecretId] = bytes.Clone(in.SecretBinary)
	return &sm.PutSecretValueOutput{}, nil
}

func (f *fakeSM) CreateSecret(_ context.Context, in *sm.CreateSecretInput, _ ...func(*sm.Options)) (*sm.CreateSecretOutput, error) {
	if _, ok := f.secrets[*in.Name]; ok {
		return nil, &types.ResourceExistsException{}
	}
	f.secrets[*in.Name] = bytes.Clone(in.SecretBinary)
	return &sm.CreateSecretOutput{}, nil
}

func TestSecretsManagerStore(t *testing.T) {
	t.Parallel()
	store := secretsmanager.Store{Client: &fakeSM{secrets: map[string][]byte{}}, SecretID: "arca/keyring"}
	_, err := keyring.Load(t.Context(), store)
	require.ErrorIs(t, err, keyring.ErrNotFound)

	kr, err := keyring.Init(t.Context(), store)
	require.NoError(t, err)
	_, err = keyring.Init(t.Context(), store)
	require.ErrorIs(t, err, keyring.ErrExists)

	_, err = kr.Rotate("tenant-a")
	require.NoError(t, err)
	require.NoError(t, kr.Save(t.Context(), store))
	got, err := keyring.Load(t.Context(), store)
	require.NoError(t, err)
	require.Equal(t, kr.List(), got.List())
}
