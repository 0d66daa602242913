package prune_test

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/objstore"
	"github.com/arcabackup/arca/pkg/objstore/fsstore"
	"github.com/arcabackup/arca/pkg/objstore/s3store"
	"github.com/arcabackup/arca/pkg/retention"
	"github.com/arcabackup/arca/pkg/retention/prune"
	"github.com/arcabackup/arca/pkg/seal/keyring"
)

var layout = backup.Layout{Prefix: "arca"}

// testKeys seal and open the manifests of every test.
var testKeys = func() *keyring.Keyring {
	kr := keyring.New()
	if _, err := kr.Rotate(""); err != nil {
		panic(err)
	}
	return kr
}()

const day = 24 * time.Hour

// eachStore runs test on a filesystem store and on a fresh versitygw
// bucket, with Object Lock enabled when objectLock is set.
func eachStore(t *testing.T, objectLock bool, test func(t *testing.T, s objstore.Store)) {
	t.Helper()
	t.Run("fsstore", func(t *testing.T) {
		t.Parallel()
		s, err := fsstore.New(t.TempDir())
		require.NoError(t, err)
		test(t, s)
	})
	t.Run("s3store", func(t *testing.T) {
		t.Parallel()
		s, err := s3store.New(t.Context(), s3store.Config{
			Endpoint: gw.Endpoint, Region: gw.Region, Bucket: gw.NewBucket(t, objectLock), PathStyle: true,
			AccessKey: gw.AccessKey, SecretKey: gw.SecretKey, MaxBackoff: 200 * time.Millisecond,
		})
		require.NoError(t, err)
		test(t, s)
	})
}

// fake describes one backup to write.
type fake struct {
	kind, tenant, id string
	age              time.Duration // before time.Now
	verification     retention.Verification
	dataOpts         []objstore.Option
	manifestOpts     []objstore.Option
}

// put writes the backup's data object, manifest and, unless unchecked,
// verified.json, as the uploader and the verifier do.
func put(t *testing.T, s objstore.Store, f fake) {
	t.Helper()
	ctx := t.Context()
	data := rand.Text()
	sum := sha256.Sum256([]byte(data))
	created := time.Now().Add(-f.age).UTC()
	m := backup.Manifest{
		FormatVersion: backup.FormatVersion, BackupID: f.id, Kind: f.kind, Tenant: f.tenant,
		CreatedAt: created, CommittedAt: created, KeyIDs: []string{"k1"},
		Object: backup.Object{
			Key: layout.Data(f.kind, f.tenant, f.id), Size: int64(len(data)), SHA256: hex.EncodeToString(sum[:]),
			Parts: []backup.Part{{Size: int64(len(data)), SHA256: hex.EncodeToString(sum[:]), PlainSize: 1, KeyID: "k1"}},
		},
	}
	manifestKey, doc, err := layout.SealManifest(ctx, m, testKeys)
	require.NoError(t, err)
	_, err = s.Put(ctx, m.Object.Key, bytes.NewReader([]byte(data)), int64(len(data)), f.dataOpts...)
	require.NoError(t, err)
	_, err = s.Put(ctx, manifestKey, bytes.NewReader(doc), int64(len(doc)), f.manifestOpts...)
	require.NoError(t, err)
	if f.verification == retention.NotVerified || f.verification == "" {
		return
	}
	vkey, v, err := layout.SealVerification(ctx, m.Ref(), backup.Verification{
		BackupID: f.id, Verified: f.verification == retention.Verified, CheckedAt: created,
	}, testKeys)
	require.NoError(t, err)
	_, err = s.Put(ctx, vkey, bytes.NewReader(v), int64(len(v)))
	require.NoError(t, err)
}

// keys lists every key in the store.
func keys(t *testing.T, s objstore.Store) []string {
	t.Helper()
	var out []string
	for o, err := range s.List(t.Context(), "") {
		require.NoError(t, err)
		out = append(out, o.Key)
	}
	return out
}

// backupIDs lists the backups with a manifest, by id.
func backupIDs(t *testing.T, s objstore.Store) []string {
	t.Helper()
	var out []string
	for _, k := range keys(t, s) {
		if backup.IsManifest(k) {
			m := k[:len(k)-len("/"+backup.ManifestObject)]
			out = append(out, m[bytes.LastIndexByte([]byte(m), '/')+1:])
		}
	}
	return out
}

func newPruner(t *testing.T, s prune.Store, tweak ...func(*prune.Config)) *prune.Pruner {
	t.Helper()
	cfg := prune.Config{Layout: layout, Keys: testKeys, Policy: retention.DefaultPolicy()}
	for _, f := range tweak {
		f(&cfg)
	}
	p, err := prune.New(s, cfg)
	require.NoError(t, err)
	return p
}

// outcomes maps backup ids to the outcome of their deletion.
func outcomes(r prune.Report) map[string]prune.Outcome {
	out := map[string]prune.Outcome{}
	for _, d := range r.Deletions {
		out[d.BackupID] = d.Outcome
	}
	return out
}
