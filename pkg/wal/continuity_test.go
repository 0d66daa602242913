package wal_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/objstore/fsstore"
	"github.com/arcabackup/arca/pkg/wal"
)

// archive pushes small files under the given names.
func (b bundle) archive(t *testing.T, names ...string) {
	t.Helper()
	for _, n := range names {
		p, _ := b.segment(t, n, 1024)
		_, err := wal.Push(t.Context(), b.cfg, p)
		require.NoError(t, err)
	}
}

func segs(tl uint32, from, to uint64) []string {
	var out []string
	for no := from; no <= to; no++ {
		out = append(out, wal.SegmentName(tl, no, 1<<20))
	}
	return out
}

func TestContinuityFindsADeletedSegmentAndStaleness(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.archive(t, segs(1, 1, 9)...)
	b.archive(t, "000000010000000000000003.00000028.backup", "00000002.history")
	bases := []wal.Base{{ID: "b1", StartWAL: wal.SegmentName(1, 3, 1<<20)}, {ID: "b2", StartWAL: wal.SegmentName(1, 7, 1<<20)}}

	c, err := wal.CheckContinuity(t.Context(), b.cfg, bases, wal.CheckOptions{MaxAge: time.Hour})
	require.NoError(t, err)
	require.True(t, c.OK(), "%v", c.Err())
	require.Equal(t, wal.SegmentName(1, 9, 1<<20), c.Newest.Name)

	require.NoError(t, b.store.Delete(t.Context(), b.cfg.Layout.WAL("00000001", wal.SegmentName(1, 5, 1<<20))))
	require.NoError(t, b.store.Delete(t.Context(), b.cfg.Layout.WAL("00000001", wal.SegmentName(1, 6, 1<<20))))
	c, err = wal.CheckContinuity(t.Context(), b.cfg, bases, wal.CheckOptions{MaxAge: time.Hour})
	require.NoError(t, err)
	require.False(t, c.OK())
	require.Equal(t, []wal.Gap{{Backup: "b1", First: "000000010000000000000005", Last: "000000010000000000000006"}}, c.Gaps)
	var cerr *wal.ContinuityError
	require.ErrorAs(t, c.Err(), &cerr)
	require.Contains(t, cerr.Error(), "base backup b1 needs 000000010000000000000005..000000010000000000000006")

	later := func() time.Time { return time.Now().Add(2 * time.Hour) }
	c, err = wal.CheckContinuity(t.Context(), b.cfg, bases[1:], wal.CheckOptions{MaxAge: time.Hour, Now: later})
	require.NoError(t, err)
	require.Empty(t, c.Gaps)
	require.True(t, c.Stale)
	require.Greater(t, c.Age, time.Hour)
	require.ErrorContains(t, c.Err(), "is 2h0m0s old")
}

func TestContinuityReportsAMissingStartSegment(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.archive(t, segs(1, 1, 2)...)
	c, err := wal.CheckContinuity(t.Context(), b.cfg, []wal.Base{{ID: "b", StartWAL: wal.SegmentName(1, 4, 1<<20)}}, wal.CheckOptions{})
	require.NoError(t, err)
	require.Len(t, c.Gaps, 1)
	require.Equal(t, "000000010000000000000004", c.Gaps[0].First)
}

func TestExpiredKeepsWhatRetainedBackupsNeed(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.archive(t, segs(1, 1, 6)...)
	b.archive(t, "000000010000000000000002.00000028.backup", "000000010000000000000004.00000028.backup",
		"000000010000000000000005.partial", "00000002.history")
	b.archive(t, segs(2, 5, 6)...)

	none, err := wal.Expired(t.Context(), b.cfg, nil)
	require.NoError(t, err)
	require.Empty(t, none, "no base backup: nothing expires")

	expired, err := wal.Expired(t.Context(), b.cfg, []wal.Base{{ID: "b", StartWAL: "000000010000000000000004"}, {ID: "c", StartWAL: "000000020000000000000006"}})
	require.NoError(t, err)
	var keys []string
	for _, a := range expired {
		keys = append(keys, a.Key)
	}
	k := func(tl, n string) string { return b.cfg.Layout.WAL(tl, n) }
	require.Equal(t, []string{
		k("00000001", "000000010000000000000001"),
		k("00000001", "000000010000000000000002"),
		k("00000001", "000000010000000000000002.00000028.backup"),
		k("00000001", "000000010000000000000003"),
	}, keys)
}

// Segments archived within one tick of the store's clock (a second on S3)
// have equal times: the newest is then the one with the later name. Before,
// the first listed won, and a fast run found segment 8 "newest" of 1..9.
func TestContinuityNewestOfEqualTimesIsTheLaterSegment(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	store, err := fsstore.New(dir)
	require.NoError(t, err)
	b := setup(t)
	b.store, b.cfg.Store = store, store
	b.archive(t, segs(1, 1, 3)...)
	same := time.Now().Add(-time.Minute)
	require.NoError(t, filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		return os.Chtimes(p, same, same)
	}))
	c, err := wal.CheckContinuity(t.Context(), b.cfg, nil, wal.CheckOptions{MaxAge: time.Hour})
	require.NoError(t, err)
	require.Equal(t, wal.SegmentName(1, 3, 1<<20), c.Newest.Name)
}
