package wal_test

import (
	"bytes"
	"errors"
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/objstore"
	"github.com/arcabackup/arca/pkg/wal"
)

func TestPushTwiceSucceedsAndDifferentContentFails(t *testing.T) {
	t.Parallel()
	b := setup(t)
	p, _ := b.segment(t, "000000010000000000000001", 1<<20)

	first, err := wal.Push(t.Context(), b.cfg, p)
	require.NoError(t, err)
	require.False(t, first.Existed)
	require.Positive(t, first.Sealed)
	require.Equal(t, "prod/wal/00000001/000000010000000000000001", first.Key)

	again, err := wal.Push(t.Context(), b.cfg, p)
	require.NoError(t, err)
	require.True(t, again.Existed, "the same segment again is success without a write")

	other, _ := b.segment(t, "000000010000000000000001", 1<<20) // rewritten with other bytes
	_, err = wal.Push(t.Context(), b.cfg, other)
	var conflict *wal.ConflictError
	require.ErrorAs(t, err, &conflict)
	require.Equal(t, wal.ExitFailed, wal.PushExitCode(err))
	require.Contains(t, err.Error(), "refusing to overwrite")
}

func TestPushComparesPlaintextWhenTheTagIsGone(t *testing.T) {
	t.Parallel()
	b := setup(t)
	p, _ := b.segment(t, "000000010000000000000001", 64<<10)
	res, err := wal.Push(t.Context(), b.cfg, p)
	require.NoError(t, err)

	// Copy the object without its tags, as a bucket copy without tagging would.
	rc, err := b.store.Get(t.Context(), res.Key, objstore.Range{})
	require.NoError(t, err)
	var sealed bytes.Buffer
	_, err = sealed.ReadFrom(rc)
	_ = rc.Close()
	require.NoError(t, err)
	_, err = b.store.Put(t.Context(), res.Key, &sealed, int64(sealed.Len()))
	require.NoError(t, err)

	again, err := wal.Push(t.Context(), b.cfg, p)
	require.NoError(t, err)
	require.True(t, again.Existed)
	q, _ := b.segment(t, "000000010000000000000001", 64<<10)
	_, err = wal.Push(t.Context(), b.cfg, q)
	var conflict *wal.ConflictError
	require.ErrorAs(t, err, &conflict)
}

func TestPushArchivesHistoryAndBackupFilesAndRefusesStrayNames(t *testing.T) {
	t.Parallel()
	b := setup(t)
	for _, name := range []string{"00000002.history", "000000010000000000000002.00000028.backup"} {
		p, _ := b.segment(t, name, 200)
		res, err := wal.Push(t.Context(), b.cfg, p)
		require.NoError(t, err)
		require.Contains(t, res.Key, "/wal/0000000")
	}
	p, _ := b.segment(t, "RECOVERYXLOG", 200)
	_, err := wal.Push(t.Context(), b.cfg, p)
	require.Error(t, err)
}

func TestFetchRestoresVerifiesAndReportsMissingDistinctly(t *testing.T) {
	t.Parallel()
	b := setup(t)
	p, want := b.segment(t, "000000010000000000000001", 1<<20)
	_, err := wal.Push(t.Context(), b.cfg, p)
	require.NoError(t, err)

	dest := b.pgwal + "/RECOVERYXLOG"
	res, err := wal.Fetch(t.Context(), b.cfg, "000000010000000000000001", dest)
	require.NoError(t, err)
	require.Equal(t, int64(len(want)), res.Bytes)
	got, err := os.ReadFile(dest)
	require.NoError(t, err)
	require.Equal(t, want, got)

	_, err = wal.Fetch(t.Context(), b.cfg, "000000010000000000000009", dest)
	require.ErrorIs(t, err, wal.ErrNotFound)
	require.Equal(t, wal.ExitNotFound, wal.FetchExitCode(err))
	_, err = wal.Fetch(t.Context(), b.cfg, "00000002.history", dest)
	require.Equal(t, wal.ExitNotFound, wal.FetchExitCode(err))

	// A segment that does not authenticate aborts recovery instead of ending it.
	key := b.cfg.Layout.WAL("00000001", "000000010000000000000001")
	rc, err := b.store.Get(t.Context(), key, objstore.Range{})
	require.NoError(t, err)
	var sealed bytes.Buffer
	_, _ = sealed.ReadFrom(rc)
	_ = rc.Close()
	damaged := sealed.Bytes()
	damaged[len(damaged)/2] ^= 1
	_, err = b.store.Put(t.Context(), key, bytes.NewReader(damaged), int64(len(damaged)))
	require.NoError(t, err)
	require.NoError(t, os.Remove(dest))
	_, err = wal.Fetch(t.Context(), b.cfg, "000000010000000000000001", dest)
	require.Error(t, err)
	require.False(t, errors.Is(err, wal.ErrNotFound))
	require.Equal(t, wal.ExitAbort, wal.FetchExitCode(err))
	_, statErr := os.Stat(dest)
	require.True(t, os.IsNotExist(statErr), "a damaged segment never reaches %%p")
}

func TestFetchPrefetchesTheNextSegmentsInOneBatch(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.cfg.Prefetch = 3
	names := []string{"000000010000000000000001", "000000010000000000000002", "000000010000000000000003",
		"000000010000000000000004", "000000010000000000000005"}
	want := map[string][]byte{}
	for _, n := range names {
		p, data := b.segment(t, n, 256<<10)
		want[n] = data
		_, err := wal.Push(t.Context(), b.cfg, p)
		require.NoError(t, err)
		require.NoError(t, os.Remove(p))
	}
	dest := b.pgwal + "/RECOVERYXLOG"
	var fromSpool int
	for _, n := range names {
		res, err := wal.Fetch(t.Context(), b.cfg, n, dest)
		require.NoError(t, err, n)
		got, err := os.ReadFile(dest)
		require.NoError(t, err)
		require.Equal(t, want[n], got, n)
		if res.FromSpool {
			fromSpool++
		}
	}
	// 1 fetched with 2,3,4 prefetched; 5 fetched (its next segments are absent).
	require.Equal(t, 3, fromSpool)
	_, err := wal.Fetch(t.Context(), b.cfg, "000000010000000000000006", dest)
	require.ErrorIs(t, err, wal.ErrNotFound)
	left, _ := os.ReadDir(b.pgwal + "/arca-prefetch")
	require.Empty(t, left, "the spool is empty at the end of the archive")
}
