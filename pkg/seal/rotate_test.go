package seal_test

import (
	"bytes"
	"errors"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/seal"
	"github.com/arcabackup/arca/pkg/seal/keyring"
	"github.com/arcabackup/arca/pkg/seal/keyring/keyringtest"
)

func TestSealedBeforeRotateOpensAfter(t *testing.T) {
	t.Parallel()
	store := keyring.File{Path: filepath.Join(t.TempDir(), "keyring.json"), Passphrase: []byte("correct horse")}
	kr, err := keyring.Init(t.Context(), store)
	require.NoError(t, err)
	old, err := kr.Primary("")
	require.NoError(t, err)
	plain := csvData(9, 200_000)
	b := bundle{kr: kr, kek: old}
	before := concat(b.sealParts(t, "art-r", [][]byte{plain[:100_000], plain[100_000:]}))

	// arca keys rotate: load, rotate, save.
	kr, err = keyring.Load(t.Context(), store)
	require.NoError(t, err)
	_, err = kr.Rotate("")
	require.NoError(t, err)
	require.NoError(t, kr.Save(t.Context(), store))

	kr, err = keyring.Load(t.Context(), store)
	require.NoError(t, err)
	cur, err := kr.Primary("")
	require.NoError(t, err)
	require.NotEqual(t, old.ID, cur.ID)
	b = bundle{kr: kr, kek: cur}
	got, err := b.open("art-r", before)
	require.NoError(t, err)
	require.Equal(t, plain, got)

	after := concat(b.sealParts(t, "art-r2", [][]byte{plain}))
	got, err = b.open("art-r2", after)
	require.NoError(t, err)
	require.Equal(t, plain, got)
}

// A tenant with its own key is sealed under it; destroying it makes that
// tenant's backups unreadable while other tenants' still open.
func TestTenantCryptoErasure(t *testing.T) {
	t.Parallel()
	kr := keyringtest.New(t)
	_, err := kr.Rotate("tenant-a")
	require.NoError(t, err)

	keyA, err := kr.Primary("tenant-a")
	require.NoError(t, err)
	keyB, err := kr.Primary("tenant-b") // no key of its own: the default
	require.NoError(t, err)
	def, err := kr.Primary("")
	require.NoError(t, err)
	require.NotEqual(t, def.ID, keyA.ID)
	require.Equal(t, def.ID, keyB.ID)

	plain := csvData(3, 50_000)
	a := concat(bundle{kr: kr, kek: keyA}.sealParts(t, "a-1", [][]byte{plain}))
	bb := concat(bundle{kr: kr, kek: keyB}.sealParts(t, "b-1", [][]byte{plain}))

	require.NoError(t, kr.DestroyTenant("tenant-a"))
	_, err = kr.Primary("tenant-a")
	require.ErrorIs(t, err, keyring.ErrTenantErased)

	out, err := bundle{kr: kr}.open("a-1", a)
	require.Empty(t, out)
	var unknown *seal.UnknownKeyError
	require.True(t, errors.As(err, &unknown))
	require.True(t, unknown.Destroyed)
	require.Equal(t, keyA.ID, unknown.KeyID)

	got, err := bundle{kr: kr}.open("b-1", bb)
	require.NoError(t, err)
	require.True(t, bytes.Equal(plain, got))
}
