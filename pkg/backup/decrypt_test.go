package backup_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/seal"
)

// Decrypt opens an artifact with the id its manifest says it was sealed
// for, or the one named; output appears only when every part
// authenticates.
func TestDecryptWritesOutputOnlyWhenEveryPartAuthenticates(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := t.Context()
	dir := t.TempDir()
	kek, err := b.keys.Primary("")
	require.NoError(t, err)
	plain := bytes.Repeat([]byte("residente,Ana\n"), 100)
	var sealed bytes.Buffer
	_, err = seal.Seal(ctx, &sealed, bytes.NewReader(plain), seal.Part{Artifact: "f1", Last: true}, kek)
	require.NoError(t, err)
	in := filepath.Join(dir, "data.arca")
	require.NoError(t, os.WriteFile(in, sealed.Bytes(), 0o600))
	_, doc := b.seal(t, manifest("full", "", "f1"))
	full := filepath.Join(dir, "full.json")
	require.NoError(t, os.WriteFile(full, doc, 0o600))
	_, doc = b.seal(t, manifest("tenant", "acme", "t1"))
	tenant := filepath.Join(dir, "tenant.json")
	require.NoError(t, os.WriteFile(tenant, doc, 0o600))

	o := backup.DecryptOptions{In: in, Out: filepath.Join(dir, "plain"), Manifest: full, Layout: b.layout, Keys: b.keys}
	n, err := backup.Decrypt(ctx, o)
	require.NoError(t, err)
	require.EqualValues(t, len(plain), n)
	got, err := os.ReadFile(o.Out)
	require.NoError(t, err)
	require.Equal(t, plain, got)

	o = backup.DecryptOptions{In: in, Out: filepath.Join(dir, "other"), Artifact: "f2", Layout: b.layout, Keys: b.keys}
	_, err = backup.Decrypt(ctx, o)
	var oe *backup.OpenError
	require.True(t, errors.As(err, &oe), "%v", err)
	require.Equal(t, in, oe.In)
	require.NoFileExists(t, o.Out, "sealed for another artifact: no output")
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, entries, 4, "no temporary file left behind")

	o = backup.DecryptOptions{In: in, Out: filepath.Join(dir, "t"), Manifest: tenant, Layout: b.layout, Keys: b.keys}
	_, err = backup.Decrypt(ctx, o)
	require.ErrorIs(t, err, backup.ErrTenantNeeded)
	require.False(t, errors.As(err, &oe), "a manifest problem is not an artifact's")
}
