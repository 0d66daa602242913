package verify_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/backup/backuptest"
	"github.com/arcabackup/arca/pkg/objstore"
	"github.com/arcabackup/arca/pkg/objstore/fsstore"
	"github.com/arcabackup/arca/pkg/restore/verify"
	"github.com/arcabackup/arca/pkg/seal"
	"github.com/arcabackup/arca/pkg/seal/keyring/keyringtest"
)

// unreachable is a keyring whose key source cannot be reached (a KMS out
// of reach): every lookup fails without saying the key is unknown.
type unreachable struct{}

func (unreachable) Key(string) (seal.KEK, error) {
	return seal.KEK{}, errors.New("kms: dial tcp: connection refused")
}
func (unreachable) Primary(string) (seal.KEK, error) {
	return seal.KEK{}, errors.New("kms: dial tcp: connection refused")
}

// Which failures are a verdict on the backup, to be recorded in
// verified.json, and which only say this verification could not judge it:
// a key the keyring does not hold (a wrong or out-of-date keyring) and a
// key source out of reach are the verifier's fault, in the manifest as in
// the data; damage, a missing object and a destroyed key are the backup's.
func TestOnlyEvidenceAgainstTheBackupIsAVerdict(t *testing.T) {
	t.Parallel()
	b := setup(t)
	store, err := fsstore.New(t.TempDir())
	require.NoError(t, err)
	put := func(key string, doc []byte) {
		_, err := store.Put(t.Context(), key, bytes.NewReader(doc), int64(len(doc)))
		require.NoError(t, err)
	}
	layout := backup.Layout{}
	key, doc, err := layout.SealManifest(t.Context(), b.m, b.keys)
	require.NoError(t, err)
	put(key, doc)
	put(b.m.Object.Key, b.obj)
	stored := func(keys backup.Keys) error {
		_, err := verify.Stored(t.Context(), backup.Repository{Store: store, Layout: layout, Keys: keys}, key)
		return err
	}
	other := keyringtest.New(t)

	require.NoError(t, stored(b.keys))
	require.True(t, verify.Judged(nil), "a pass is a verdict")

	err = stored(other) // the manifest is sealed under a key it does not hold
	require.Error(t, err)
	require.True(t, verify.LacksKey(err), "%v", err)
	require.False(t, verify.Judged(err), "%v", err)

	err = stored(unreachable{})
	require.Error(t, err)
	require.False(t, verify.LacksKey(err))
	require.False(t, verify.Judged(err), "a key source out of reach is no verdict: %v", err)
	require.NotErrorAs(t, err, new(*backup.MetadataError), "nor a refused manifest")

	// The data sealed under a key the manifest's keyring does not hold.
	_, err = verify.Backup(t.Context(), bytes.NewReader(b.obj), b.m, other)
	require.True(t, verify.LacksKey(err), "%v", err)
	require.False(t, verify.Judged(err), "%v", err)

	bad := bytes.Clone(b.obj)
	bad[len(bad)/2] ^= 1
	put(b.m.Object.Key, bad)
	err = stored(b.keys)
	require.True(t, verify.Judged(err), "damage is a verdict: %v", err)

	require.NoError(t, store.Delete(t.Context(), b.m.Object.Key))
	err = stored(b.keys)
	require.True(t, verify.Judged(err), "a missing object is a verdict: %v", err)

	require.False(t, verify.Judged(errors.New("s3: connection reset")), "a read that failed is no verdict")

	// A read cut off mid-object (the connection reset) is no verdict
	// either; the same object, whole but short, is.
	put(b.m.Object.Key, b.obj)
	_, err = verify.Stored(t.Context(), backup.Repository{Store: cutOff{store, b.m.Object.Key}, Layout: layout, Keys: b.keys}, key)
	require.Error(t, err)
	require.False(t, verify.Judged(err), "%v", err)
	put(b.m.Object.Key, b.obj[:len(b.obj)/2])
	err = stored(b.keys)
	require.True(t, verify.Judged(err), "a truncated object is a verdict: %v", err)
}

// cutOff is a bucket whose reads of one object fail half-way.
type cutOff struct {
	objstore.Store
	key string
}

func (c cutOff) Get(ctx context.Context, key string, rng objstore.Range) (io.ReadCloser, error) {
	rc, err := c.Store.Get(ctx, key, rng)
	if err != nil || key != c.key {
		return rc, err
	}
	return &failAfter{rc: rc, n: 100}, nil
}

type failAfter struct {
	rc io.ReadCloser
	n  int
}

func (f *failAfter) Read(p []byte) (int, error) {
	if f.n <= 0 {
		return 0, errors.New("read tcp: connection reset by peer")
	}
	n, err := f.rc.Read(p[:min(len(p), f.n)])
	f.n -= n
	return n, err
}

func (f *failAfter) Close() error { return f.rc.Close() }

// A key destroyed by an erasure is a fact about the backup: it no longer
// opens, whoever verifies it.
func TestADestroyedKeyIsAVerdict(t *testing.T) {
	t.Parallel()
	kr := keyringtest.New(t)
	_, err := kr.Rotate("t1")
	require.NoError(t, err)
	m, obj, err := backuptest.Build(t.Context(), backup.Layout{}, kr, backuptest.Spec{Tenant: "t1", BackupID: "bk-1", Rows: 10})
	require.NoError(t, err)
	require.NoError(t, kr.DestroyTenant("t1"))
	_, err = verify.Backup(t.Context(), bytes.NewReader(obj), m, kr)
	require.Error(t, err)
	require.False(t, verify.LacksKey(err))
	require.True(t, verify.Judged(err), "%v", err)
}
