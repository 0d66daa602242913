package secretsmanager_test

import (
	"testing"

	sm "github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/seal/keyring"
	"github.com/arcabackup/arca/pkg/seal/keyring/awstest"
	"github.com/arcabackup/arca/pkg/seal/keyring/secretsmanager"
)

// Through the real SDK client and the AWS JSON protocol: init creates the
// secret, a second init is refused, a rotation is a new secret version, and
// a reload sees it.
func TestSecretsManagerStoreThroughTheSDK(t *testing.T) {
	t.Parallel()
	srv := awstest.New(t)
	store := secretsmanager.Store{Client: sm.NewFromConfig(srv.Config()), SecretID: "arca/prod/keyring"}
	_, err := keyring.Load(t.Context(), store)
	require.ErrorIs(t, err, keyring.ErrNotFound)

	kr, err := keyring.Init(t.Context(), store)
	require.NoError(t, err)
	_, err = keyring.Init(t.Context(), store)
	require.ErrorIs(t, err, keyring.ErrExists)
	_, err = kr.Rotate("tenant-a")
	require.NoError(t, err)
	require.NoError(t, kr.Save(t.Context(), store))
	require.Equal(t, 1, srv.Calls("secretsmanager.PutSecretValue"))

	got, err := keyring.Load(t.Context(), store)
	require.NoError(t, err)
	require.Equal(t, kr.List(), got.List())
}
