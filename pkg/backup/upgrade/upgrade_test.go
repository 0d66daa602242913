package upgrade_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/backup/upgrade"
	"github.com/arcabackup/arca/pkg/objstore/fsstore"
	"github.com/arcabackup/arca/pkg/seal/keyring/keyringtest"
)

var sum = strings.Repeat("ab", 32)

func manifest(l backup.Layout, tenant, id string) backup.Manifest {
	return backup.Manifest{FormatVersion: backup.FormatVersion, BackupID: id, Kind: "tenant", Tenant: tenant,
		CreatedAt: time.Date(2026, 11, 28, 1, 0, 0, 0, time.UTC),
		Object:    backup.Object{Key: l.Data("tenant", tenant, id), Size: 1, SHA256: sum, Parts: []backup.Part{{Size: 1, SHA256: sum}}},
		Export:    json.RawMessage(`{"tables":[]}`)}
}

// Current manifests are left alone; a plaintext one is sealed only if it
// describes the backup its key names and the backup verifies against it.
func TestRunRefusesWhatDoesNotProveItself(t *testing.T) {
	t.Parallel()
	kr := keyringtest.New(t)
	store, err := fsstore.New(t.TempDir())
	require.NoError(t, err)
	repo := backup.Repository{Store: store, Layout: backup.Layout{Prefix: "p"}, Keys: kr}
	put := func(key string, doc []byte) {
		_, err := store.Put(t.Context(), key, bytes.NewReader(doc), int64(len(doc)))
		require.NoError(t, err)
	}
	format1 := func(m backup.Manifest) []byte {
		m.FormatVersion = 1
		doc, err := json.Marshal(m)
		require.NoError(t, err)
		return doc
	}
	cur := manifest(repo.Layout, "a", "a1")
	key, doc, err := repo.Layout.SealManifest(t.Context(), cur, kr)
	require.NoError(t, err)
	put(key, doc)
	moved := manifest(repo.Layout, "a", "a2")
	keyMoved := repo.Layout.Manifest("tenant", "b", "b1")
	put(keyMoved, format1(moved)) // says tenant a, lives in b's folder
	junk := manifest(repo.Layout, "c", "c1")
	keyJunk := repo.Layout.Manifest("tenant", "c", "c1")
	put(keyJunk, format1(junk))
	put(junk.Object.Key, []byte("x")) // not a sealed artifact

	for _, dry := range []bool{true, false} {
		got, err := upgrade.Run(t.Context(), store, repo, kr, dry)
		require.NoError(t, err)
		byKey := map[string]upgrade.Result{}
		for _, r := range got {
			byKey[r.Key] = r
		}
		require.Len(t, byKey, 3)
		require.Equal(t, upgrade.Current, byKey[key].Outcome)
		require.Equal(t, upgrade.Refused, byKey[keyMoved].Outcome)
		require.Contains(t, byKey[keyMoved].Reason, "describes tenant a backup a2")
		require.Equal(t, upgrade.Refused, byKey[keyJunk].Outcome)
		require.Contains(t, byKey[keyJunk].Reason, "does not verify against its data")
		_, err = repo.Manifest(t.Context(), keyJunk)
		require.ErrorIs(t, err, backup.ErrOldFormat, "a refused manifest is left as it is")
	}
}
