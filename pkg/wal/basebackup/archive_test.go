package basebackup_test

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/retention"
	"github.com/arcabackup/arca/pkg/seal/keyring"
	"github.com/arcabackup/arca/pkg/wal"
	"github.com/arcabackup/arca/pkg/wal/basebackup"
	"github.com/arcabackup/arca/pkg/wal/internal/pgtest"
)

// archive is a filesystem bucket with the base backups starting at the
// given segments and the WAL segments named.
func archive(t *testing.T, bases map[string]string, segments ...string) wal.Config {
	t.Helper()
	cfg, _ := pgtest.BaseBackups(t, bases, segments...)
	return cfg
}

const (
	seg1 = "000000010000000000000001"
	seg2 = "000000010000000000000002"
	seg3 = "000000010000000000000003"
	seg4 = "000000010000000000000004"
)

func TestCheckWALFindsTheGapAfterABaseBackup(t *testing.T) {
	t.Parallel()
	cfg := archive(t, map[string]string{"b1": seg1}, seg1, seg2, seg4)
	res, err := basebackup.CheckWAL(t.Context(), cfg, wal.CheckOptions{})
	require.NoError(t, err)
	require.Equal(t, []wal.Gap{{Backup: "b1", First: seg3, Last: seg3}}, res.Gaps)
	require.Error(t, res.Err())

	cfg = archive(t, map[string]string{"b1": seg2}, seg2, seg3)
	res, err = basebackup.CheckWAL(t.Context(), cfg, wal.CheckOptions{})
	require.NoError(t, err)
	require.NoError(t, res.Err())
	require.Equal(t, seg3, res.Newest.Name)
}

func TestWALPrunerDeletesOnlyWhatNoKeptBaseNeeds(t *testing.T) {
	t.Parallel()
	cfg := archive(t, map[string]string{"old": seg1, "new": seg3}, seg1, seg2, seg3, seg4)
	_, err := cfg.Store.Put(t.Context(), cfg.Layout.WAL("00000002", "00000002.history"), bytes.NewReader([]byte("history")), 7)
	require.NoError(t, err)
	p := basebackup.WALPruner{Config: cfg}
	kept := []retention.Backup{{Kind: "base", BackupID: "new"}}

	rep, err := p.PruneWAL(t.Context(), kept, true)
	require.NoError(t, err)
	require.Equal(t, 2, rep.Segments)
	files, err := wal.List(t.Context(), cfg)
	require.NoError(t, err)
	require.Len(t, files, 5, "a dry run deletes nothing")

	rep, err = p.PruneWAL(t.Context(), kept, false)
	require.NoError(t, err)
	require.Equal(t, 2, rep.Segments)
	require.Equal(t, int64(2*len("segment")), rep.Bytes)
	files, err = wal.List(t.Context(), cfg)
	require.NoError(t, err)
	var names []string
	for _, f := range files {
		names = append(names, f.Name)
	}
	require.Equal(t, []string{seg3, seg4, "00000002.history"}, names)

	rep, err = p.PruneWAL(t.Context(), nil, false)
	require.NoError(t, err)
	require.Zero(t, rep.Segments, "with no kept base backup nothing expires")
}

type keySource struct {
	kr  *keyring.Keyring
	err error
}

func (k keySource) Keyring(context.Context) (*keyring.Keyring, error) { return k.kr, k.err }

func TestScheduledPrunesWALWithTheKeyringAsItIsNow(t *testing.T) {
	t.Parallel()
	cfg := archive(t, map[string]string{"old": seg1, "new": seg3}, seg1, seg2, seg3, seg4)
	s := basebackup.Scheduled{Config: basebackup.Config{Store: cfg.Store, Layout: cfg.Layout}, Keys: keySource{kr: cfg.Keys.(*keyring.Keyring)}}
	rep, err := s.PruneWAL(t.Context(), []retention.Backup{{Kind: "base", BackupID: "new"}}, true)
	require.NoError(t, err)
	require.Equal(t, 2, rep.Segments)

	s.Keys = keySource{err: errors.New("keyring locked")}
	_, err = s.PruneWAL(t.Context(), nil, true)
	require.EqualError(t, err, "keyring locked")
	require.EqualError(t, s.BaseBackup(t.Context(), "arca run-1"), "keyring locked", "no backup starts without keys")
}
