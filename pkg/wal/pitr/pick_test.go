package pitr

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/objstore"
	"github.com/arcabackup/arca/pkg/seal"
	"github.com/arcabackup/arca/pkg/wal/internal/pgtest"
)

// unreachableKeys is a key source out of reach (a KMS that does not answer).
type unreachableKeys struct{}

func (unreachableKeys) Key(string) (seal.KEK, error) {
	return seal.KEK{}, errors.New("key source unreachable")
}

// A named base backup whose manifest cannot be opened says why, not "not
// found": the operator must fix the keys, not look for another backup.
func TestANamedBaseBackupWhoseKeyIsOutOfReachSaysSo(t *testing.T) {
	t.Parallel()
	wc, _ := pgtest.BaseBackups(t, map[string]string{"b1": "000000010000000000000002"})
	cfg := Config{Store: wc.Store, Layout: wc.Layout, Keys: unreachableKeys{}, BackupID: "b1"}

	_, err := pick(t.Context(), cfg, Target{})
	require.Error(t, err)
	require.NotErrorIs(t, err, objstore.ErrNotFound)
	require.ErrorContains(t, err, "key source unreachable")

	cfg.BackupID = "b2"
	_, err = pick(t.Context(), cfg, Target{})
	require.ErrorIs(t, err, objstore.ErrNotFound, "a backup that is not there is still not found")
}
