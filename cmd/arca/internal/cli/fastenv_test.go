package cli_test

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/seal/keyring"
)

// bucketEnv is a configuration over a filesystem bucket and a keyring,
// with manifests sealed straight into the bucket: for the commands that
// read only the bucket, with no database, NATS or pipeline.
type bucketEnv struct {
	env
	keys *keyring.Keyring
}

func newBucketEnv(t *testing.T) *bucketEnv {
	t.Helper()
	return newBucketEnvWith(t, "postgres://arca@127.0.0.1:1/none")
}

// newBucketEnvWith is newBucketEnv with this source database.
func newBucketEnvWith(t *testing.T, source string) *bucketEnv {
	t.Helper()
	return newBucketEnvStore(t, source, "")
}

// newBucketEnvStore is newBucketEnvWith with more fields of the store
// mapping (", destinations: [...]").
func newBucketEnvStore(t *testing.T, source, store string) *bucketEnv {
	t.Helper()
	dir := t.TempDir()
	passEnv := "ARCA_TEST_PASS_" + strings.ToUpper(rand.Text()[:8])
	require.NoError(t, os.Setenv(passEnv, rand.Text()))
	e := &bucketEnv{}
	e.keys = e.writeConfig(t, dir, fmt.Sprintf("dir: %s\nsource: {url: %q}\nstore: {kind: fs, prefix: arca, fs: {dir: %s}%s}\nkeys: {keyring: \"file:%s\", passphrase_env: %s}\nnats: {url: \"nats://127.0.0.1:1\"}\n",
		dir, source, filepath.Join(dir, "bucket"), store, filepath.Join(dir, "keyring.json"), passEnv))
	return e
}

var sum = strings.Repeat("ab", 32)

// commit seals a manifest of a backup (its data object is not written)
// and, when verified is not nil, its verification.
func (e *bucketEnv) commit(t *testing.T, kind, tenant, id string, at time.Time, verified *bool) string {
	t.Helper()
	m := backup.Manifest{FormatVersion: backup.FormatVersion, BackupID: id, Kind: kind, Tenant: tenant,
		CreatedAt: at, CommittedAt: at.Add(time.Minute), PlainSize: 100,
		Object: backup.Object{Key: e.layout.Data(kind, tenant, id), Size: 30, SHA256: sum,
			Parts: []backup.Part{{Index: 0, Size: 30, SHA256: sum}}},
		Export: json.RawMessage(`{"tables":[]}`)}
	key, doc, err := e.layout.SealManifest(t.Context(), m, e.keys)
	require.NoError(t, err)
	e.put(t, key, doc)
	if verified != nil {
		vkey, vdoc, err := e.layout.SealVerification(t.Context(), m.Ref(), backup.Verification{BackupID: id, Verified: *verified, CheckedAt: at.Add(time.Hour)}, e.keys)
		require.NoError(t, err)
		e.put(t, vkey, vdoc)
	}
	return key
}

var (
	yes = new(true)
	no  = new(false)
)
