package backup_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/objstore"
	"github.com/arcabackup/arca/pkg/objstore/fsstore"
	"github.com/arcabackup/arca/pkg/seal"
	"github.com/arcabackup/arca/pkg/seal/keyring"
	"github.com/arcabackup/arca/pkg/seal/keyring/keyringtest"
)

var sha = strings.Repeat("ab", 32)

type bundle struct {
	layout backup.Layout
	keys   *keyring.Keyring
}

func setup(t *testing.T) bundle {
	t.Helper()
	kr := keyringtest.New(t)
	_, err := kr.Rotate("tenant-b") // b has its own scope; a uses the default
	require.NoError(t, err)
	return bundle{layout: backup.Layout{Prefix: "prod/"}, keys: kr}
}

func manifest(kind, tenant, id string) backup.Manifest {
	l := backup.Layout{Prefix: "prod/"}
	return backup.Manifest{
		FormatVersion: backup.FormatVersion, BackupID: id, Kind: kind, Tenant: tenant,
		CreatedAt: time.Date(2026, 11, 28, 1, 0, 0, 0, time.UTC), CommittedAt: time.Date(2026, 11, 28, 1, 1, 0, 0, time.UTC),
		Object: backup.Object{Key: l.Data(kind, tenant, id), Size: 30, SHA256: sha, Parts: []backup.Part{
			{Index: 0, Offset: 0, Size: 10, SHA256: sha}, {Index: 1, Offset: 10, Size: 20, SHA256: sha},
		}},
		Export: json.RawMessage(`{"tables":[{"name":"patients","rows":3}]}`),
	}
}

func (b bundle) seal(t *testing.T, m backup.Manifest) (string, []byte) {
	t.Helper()
	key, doc, err := b.layout.SealManifest(t.Context(), m, b.keys)
	require.NoError(t, err)
	return key, doc
}

func requireRefused(t *testing.T, err error, key string, want error) {
	t.Helper()
	var me *backup.MetadataError
	require.ErrorAs(t, err, &me)
	require.Equal(t, key, me.Key)
	require.ErrorIs(t, err, want)
	require.NotContains(t, err.Error(), "\n")
}

func TestManifestSealsAndOpensAtItsKey(t *testing.T) {
	t.Parallel()
	b := setup(t)
	for _, m := range []backup.Manifest{manifest("tenant", "t/../1", "20261128T010000Z-aaaaaaaaaaaa"), manifest("full", "", "f1"), manifest("base", "", "b1")} {
		key, doc := b.seal(t, m)
		require.Equal(t, b.layout.Manifest(m.Kind, m.Tenant, m.BackupID), key)
		got, err := b.layout.OpenManifest(t.Context(), key, doc, b.keys)
		require.NoError(t, err)
		require.Equal(t, m.BackupID, got.BackupID)
		require.Equal(t, m.Tenant, got.Tenant)
		require.JSONEq(t, string(m.Export), string(got.Export))
	}
}

// What a bucket reader sees: no tenant id, no table name, no row count.
func TestManifestShowsOnlyTheEnvelopeInClear(t *testing.T) {
	t.Parallel()
	b := setup(t)
	_, doc := b.seal(t, manifest("tenant", "tenant-b", "b1"))
	var inClear map[string]any
	require.NoError(t, json.Unmarshal(doc, &inClear))
	require.ElementsMatch(t, []string{"arca", "format_version", "kind", "backup_id", "sealed"}, keysOf(inClear))
	for _, secret := range []string{"tenant-b", "patients", `"rows"`} {
		require.NotContains(t, string(doc), secret)
	}
}

func keysOf(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestManifestRefusedUnlessItIsTheOneItsKeyNames(t *testing.T) {
	t.Parallel()
	b := setup(t)
	keyA, docA := b.seal(t, manifest("tenant", "tenant-a", "20261128T010000Z-aaaaaaaaaaaa"))
	keyB, docB := b.seal(t, manifest("tenant", "tenant-b", "20261128T010000Z-bbbbbbbbbbbb"))

	// Swapped: each at the other's key.
	_, err := b.layout.OpenManifest(t.Context(), keyA, docB, b.keys)
	requireRefused(t, err, keyA, backup.ErrMismatch)
	_, err = b.layout.OpenManifest(t.Context(), keyB, docA, b.keys)
	requireRefused(t, err, keyB, backup.ErrMismatch)

	// Swapped with the clear fields edited to match: the body does not
	// authenticate for this key.
	var env map[string]any
	require.NoError(t, json.Unmarshal(docB, &env))
	env["backup_id"] = "20261128T010000Z-aaaaaaaaaaaa"
	forged, err := json.Marshal(env)
	require.NoError(t, err)
	_, err = b.layout.OpenManifest(t.Context(), keyA, forged, b.keys)
	requireRefused(t, err, keyA, backup.ErrNotAuthentic)

	// Moved to another tenant's folder under the same backup id.
	moved := b.layout.Manifest("tenant", "tenant-c", "20261128T010000Z-aaaaaaaaaaaa")
	_, err = b.layout.OpenManifest(t.Context(), moved, docA, b.keys)
	requireRefused(t, err, moved, backup.ErrNotAuthentic)

	// Moved to another prefix (another repository in the same bucket).
	other := backup.Layout{Prefix: "staging"}.Manifest("tenant", "tenant-a", "20261128T010000Z-aaaaaaaaaaaa")
	_, err = backup.Layout{Prefix: "staging"}.OpenManifest(t.Context(), other, docA, b.keys)
	requireRefused(t, err, other, backup.ErrNotAuthentic)

	// A bit flipped anywhere in the sealed body.
	require.NoError(t, json.Unmarshal(docA, &env))
	sealed, err := json.Marshal(env["sealed"])
	require.NoError(t, err)
	var raw []byte
	require.NoError(t, json.Unmarshal(sealed, &raw))
	for _, i := range []int{0, len(raw) / 2, len(raw) - 1} {
		flipped := bytes.Clone(raw)
		flipped[i] ^= 0x01
		env["sealed"] = flipped
		doc, err := json.Marshal(env)
		require.NoError(t, err)
		_, err = b.layout.OpenManifest(t.Context(), keyA, doc, b.keys)
		requireRefused(t, err, keyA, backup.ErrNotAuthentic)
	}

	// Not JSON at all.
	_, err = b.layout.OpenManifest(t.Context(), keyA, []byte("\x00garbage"), b.keys)
	requireRefused(t, err, keyA, backup.ErrNotAuthentic)
}

func TestPlaintextManifestOfFormat1IsRefused(t *testing.T) {
	t.Parallel()
	b := setup(t)
	m := manifest("tenant", "tenant-a", "a1")
	m.FormatVersion = 1
	doc, err := json.Marshal(m)
	require.NoError(t, err)
	key := b.layout.Manifest("tenant", "tenant-a", "a1")
	_, err = b.layout.OpenManifest(t.Context(), key, doc, b.keys)
	requireRefused(t, err, key, backup.ErrOldFormat)
	require.Contains(t, err.Error(), "format version 1 (plaintext, not authenticated) is no longer read")
}

func TestErasingATenantErasesItsManifests(t *testing.T) {
	t.Parallel()
	b := setup(t)
	key, doc := b.seal(t, manifest("tenant", "tenant-b", "b1"))
	require.NoError(t, b.keys.DestroyTenant("tenant-b"))
	_, err := b.layout.OpenManifest(t.Context(), key, doc, b.keys)
	requireRefused(t, err, key, backup.ErrNotAuthentic)
	var unknown *seal.UnknownKeyError
	require.ErrorAs(t, err, &unknown)
	require.True(t, unknown.Destroyed)
	_, _, err = b.layout.SealManifest(t.Context(), manifest("tenant", "tenant-b", "b2"), b.keys)
	require.ErrorIs(t, err, keyring.ErrTenantErased)
}

func TestVerificationRefusedUnlessItIsTheOneItsKeyNames(t *testing.T) {
	t.Parallel()
	b := setup(t)
	refA := backup.Ref{Kind: "tenant", Tenant: "tenant-a", BackupID: "a1"}
	refA2 := backup.Ref{Kind: "tenant", Tenant: "tenant-a", BackupID: "a2"}
	keyA, docA, err := b.layout.SealVerification(t.Context(), refA, backup.Verification{BackupID: "a1", Verified: true}, b.keys)
	require.NoError(t, err)
	require.Equal(t, backup.VerificationKey(b.layout.Manifest("tenant", "tenant-a", "a1")), keyA)
	v, err := b.layout.OpenVerification(t.Context(), keyA, docA, b.keys)
	require.NoError(t, err)
	require.True(t, v.Verified)

	// Copied from backup a1 beside backup a2 (whose own check failed).
	keyA2, _, err := b.layout.SealVerification(t.Context(), refA2, backup.Verification{BackupID: "a2", Reason: "damaged"}, b.keys)
	require.NoError(t, err)
	_, err = b.layout.OpenVerification(t.Context(), keyA2, docA, b.keys)
	requireRefused(t, err, keyA2, backup.ErrMismatch)

	// A manifest is not a verification, even at the verification's key.
	_, mdoc := b.seal(t, manifest("tenant", "tenant-a", "a1"))
	_, err = b.layout.OpenVerification(t.Context(), keyA, mdoc, b.keys)
	requireRefused(t, err, keyA, backup.ErrMismatch)

	// Plaintext verified.json as format 1 wrote it.
	old, err := json.Marshal(backup.Verification{BackupID: "a1", Verified: true})
	require.NoError(t, err)
	_, err = b.layout.OpenVerification(t.Context(), keyA, old, b.keys)
	requireRefused(t, err, keyA, backup.ErrOldFormat)
}

func TestRepositoryListSkipsAndReportsARefusedManifest(t *testing.T) {
	t.Parallel()
	b := setup(t)
	store, err := fsstore.New(t.TempDir())
	require.NoError(t, err)
	put := func(key string, doc []byte) {
		_, err := store.Put(t.Context(), key, bytes.NewReader(doc), int64(len(doc)))
		require.NoError(t, err)
	}
	keyA, docA := b.seal(t, manifest("tenant", "tenant-a", "a1"))
	keyB, docB := b.seal(t, manifest("tenant", "tenant-b", "b1"))
	keyF, docF := b.seal(t, manifest("full", "", "f1"))
	put(keyA, docB) // B's manifest at A's key
	put(keyB, docB)
	put(keyF, docF)
	_, vdoc, err := b.layout.SealVerification(t.Context(), backup.Ref{Kind: "full", BackupID: "f1"}, backup.Verification{BackupID: "f1", Verified: true}, b.keys)
	require.NoError(t, err)
	put(backup.VerificationKey(keyF), vdoc)
	_ = docA

	repo := backup.Repository{Store: store, Layout: b.layout, Keys: b.keys}
	got, err := repo.List(t.Context())
	require.NoError(t, err)
	require.Len(t, got.Backups, 2)
	require.Equal(t, "f1", got.Backups[0].Manifest.BackupID)
	require.True(t, got.Backups[0].Verification.Verified)
	require.Equal(t, "b1", got.Backups[1].Manifest.BackupID)
	require.Len(t, got.Refused, 1)
	requireRefused(t, got.Refused[0], keyA, backup.ErrMismatch)

	key, err := repo.Find(t.Context(), "f1")
	require.NoError(t, err)
	require.Equal(t, keyF, key)
	_, err = repo.Find(t.Context(), "nope")
	require.ErrorIs(t, err, objstore.ErrNotFound)
	_, err = repo.Manifest(t.Context(), keyA)
	require.True(t, errors.As(err, new(*backup.MetadataError)))
}

func TestValidationReportsEveryProblem(t *testing.T) {
	t.Parallel()
	m := manifest("tenant", "t", "b1")
	m.Object.Size = 31
	m.Kind = "zip"
	_, _, err := backup.Layout{}.SealManifest(t.Context(), m, setup(t).keys)
	if err == nil || !strings.Contains(err.Error(), "add up to 30") || !strings.Contains(err.Error(), `kind "zip"`) {
		t.Fatalf("want every problem reported, got %v", err)
	}
}

func TestLayoutKeepsTenantIDsInsideTheirFolder(t *testing.T) {
	t.Parallel()
	l := backup.Layout{Prefix: "prod/"}
	for _, id := range []string{"..", ".", "a/b", "x'; DROP", "", "%2E", "a\nb", "ü"} {
		k := l.Manifest("tenant", id, "b1")
		if !strings.HasPrefix(k, "prod/tenants/") || strings.Count(k, "/") != 4 {
			t.Errorf("tenant %q → %q escapes its folder", id, k)
		}
		r, err := l.Ref(k)
		require.NoError(t, err, id)
		require.Equal(t, backup.Ref{Kind: "tenant", Tenant: id, BackupID: "b1"}, r)
	}
	if got := l.Data("full", "", "b2"); got != "prod/full/b2/data.arca" {
		t.Errorf("full data key %q", got)
	}
	for _, bad := range []string{"other/tenants/a/b1/manifest.json", "prod/tenants/a/manifest.json", "prod/wal/1/x", "prod/tenants/a%2fb/b1/manifest.json"} {
		_, err := l.Ref(bad)
		require.Error(t, err, bad)
	}
}

// docs/format.md §9, followed by hand: parse the envelope, build the
// artifact id from the key, open the one sealed part with pkg/seal alone.
func TestManifestOpensByTheDocumentedRecipe(t *testing.T) {
	t.Parallel()
	b := setup(t)
	m := manifest("tenant", "a b/ç", "20261128T010000Z-aaaaaaaaaaaa")
	key, doc := b.seal(t, m)
	require.Equal(t, "prod/tenants/a%20b%2F%C3%A7/20261128T010000Z-aaaaaaaaaaaa/manifest.json", key)
	var env struct {
		Arca          string `json:"arca"`
		FormatVersion int    `json:"format_version"`
		Kind          string `json:"kind"`
		BackupID      string `json:"backup_id"`
		Sealed        string `json:"sealed"`
	}
	require.NoError(t, json.Unmarshal(doc, &env))
	require.Equal(t, "manifest", env.Arca)
	require.Equal(t, 2, env.FormatVersion)
	sealed, err := base64.StdEncoding.DecodeString(env.Sealed)
	require.NoError(t, err)
	artifact := "arca/meta/v2\nmanifest\n" + key + "\ntenant\n20261128T010000Z-aaaaaaaaaaaa\na b/ç"
	var body bytes.Buffer
	_, err = seal.Open(t.Context(), &body, bytes.NewReader(sealed), artifact, b.keys)
	require.NoError(t, err)
	var got map[string]any
	require.NoError(t, json.Unmarshal(body.Bytes(), &got))
	require.Equal(t, "a b/ç", got["tenant"])
	require.EqualValues(t, 2, got["format_version"])

	// The key id of the sealed part is the primary of the tenant's scope
	// (the default one here: the tenant has none).
	def, err := b.keys.Primary("")
	require.NoError(t, err)
	require.Contains(t, string(sealed[:64]), def.ID)
}
