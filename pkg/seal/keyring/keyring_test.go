package keyring_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/seal/keyring"
)

func TestKeyringFileRefusedWhenOthersMayRead(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "keyring.json")
	store := keyring.File{Path: path, Passphrase: []byte("pass")}
	_, err := keyring.Init(t.Context(), store)
	require.NoError(t, err)
	st, err := os.Stat(path)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), st.Mode().Perm())

	require.NoError(t, os.Chmod(path, 0o644))
	_, err = keyring.Load(t.Context(), store)
	require.ErrorContains(t, err, "mode 0644")
	require.ErrorContains(t, err, "chmod 600")
}

func TestKeyringFileWrongPassphrase(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "keyring.json")
	_, err := keyring.Init(t.Context(), keyring.File{Path: path, Passphrase: []byte("right")})
	require.NoError(t, err)
	_, err = keyring.Load(t.Context(), keyring.File{Path: path, Passphrase: []byte("wrong")})
	require.ErrorIs(t, err, keyring.ErrWrongPassphrase)
	require.ErrorContains(t, err, "wrong passphrase")
	require.NotContains(t, err.Error(), "right")
}

func TestKeyringInitRefusesToOverwrite(t *testing.T) {
	t.Parallel()
	store := keyring.File{Path: filepath.Join(t.TempDir(), "k.json"), Passphrase: []byte("p")}
	_, err := keyring.Init(t.Context(), store)
	require.NoError(t, err)
	_, err = keyring.Init(t.Context(), store)
	require.ErrorIs(t, err, keyring.ErrExists)
	_, err = keyring.Load(t.Context(), keyring.File{Path: filepath.Join(t.TempDir(), "none"), Passphrase: []byte("p")})
	require.ErrorIs(t, err, keyring.ErrNotFound)
}

func TestKeyringListHidesMaterial(t *testing.T) {
	t.Parallel()
	kr := keyring.New()
	v1, err := kr.Rotate("")
	require.NoError(t, err)
	v2, err := kr.Rotate("")
	require.NoError(t, err)
	list := kr.List()
	require.Len(t, list, 2)
	require.Equal(t, v1.ID, list[0].ID)
	require.False(t, list[0].Primary)
	require.True(t, list[1].Primary)
	require.Equal(t, 2, list[1].Number)
	require.Equal(t, v2.ID, list[1].ID)
	require.Equal(t, "local", list[1].Kind)
}
