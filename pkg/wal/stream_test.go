package wal_test

import (
	"bytes"
	"crypto/rand"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/objstore"
	"github.com/arcabackup/arca/pkg/wal"
)

func TestStreamNames(t *testing.T) {
	t.Parallel()
	f, err := wal.ParseName("000000010000000000000003.00000000-00A3F000.stream")
	require.NoError(t, err)
	require.Equal(t, wal.KindStream, f.Kind)
	require.Equal(t, uint32(3), f.Seg)
	require.Equal(t, "000000010000000000000003.00000010-00000020.stream", wal.StreamName("000000010000000000000003", 16, 32))
	for _, bad := range []string{
		"000000010000000000000003.stream",
		"000000010000000000000003.00000020-00000010.stream", // backwards
		"000000010000000000000003.00000010-00000010.stream", // empty
		"000000010000000000000003.0000001x-00000020.stream",
	} {
		_, err := wal.ParseName(bad)
		require.Error(t, err, bad)
	}
}

// TestFetchJoinsStreamedChunks: a segment the archive does not hold is
// served from its chunks, joined from byte 0 as far as they are contiguous
// (overlaps allowed: a restarted receiver starts again from 0), padded with
// zeros; the segment itself wins once archived; a chunk moved to another
// range does not open.
func TestFetchJoinsStreamedChunks(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.cfg.Prefetch = -1
	const seg = "000000010000000000000007"
	data := make([]byte, 300)
	_, _ = rand.Read(data)
	put := func(from, to int) {
		_, err := wal.PutStream(t.Context(), b.cfg, seg, int64(from), data[from:to])
		require.NoError(t, err)
	}
	fetch := func() ([]byte, error) {
		dest := filepath.Join(t.TempDir(), seg)
		if _, err := wal.Fetch(t.Context(), b.cfg, seg, dest); err != nil {
			return nil, err
		}
		return readFile(dest)
	}
	_, err := fetch()
	require.ErrorIs(t, err, wal.ErrNotFound)

	put(100, 200) // no chunk from 0 yet: nothing to replay
	_, err = fetch()
	require.ErrorIs(t, err, wal.ErrNotFound)

	put(0, 100)
	put(0, 150)   // a restarted receiver
	put(250, 300) // after a gap: not used
	got, err := fetch()
	require.NoError(t, err)
	require.Len(t, got, 1<<20, "padded to the segment size")
	require.Equal(t, data[:200], got[:200])
	require.Equal(t, make([]byte, 1<<20-200), got[200:])

	// A chunk copied under another range's name fails to open: recovery
	// aborts rather than replaying a forgery.
	rc, err := b.store.Get(t.Context(), b.cfg.Layout.WAL("00000001", wal.StreamName(seg, 100, 200)), objstore.Range{})
	require.NoError(t, err)
	var sealed bytes.Buffer
	_, err = sealed.ReadFrom(rc)
	require.NoError(t, err)
	_ = rc.Close()
	_, err = b.store.Put(t.Context(), b.cfg.Layout.WAL("00000001", wal.StreamName(seg, 150, 250)), &sealed, int64(sealed.Len()))
	require.NoError(t, err)
	_, err = fetch()
	require.Error(t, err)
	require.NotErrorIs(t, err, wal.ErrNotFound)
	require.Equal(t, wal.ExitAbort, wal.FetchExitCode(err))

	// The segment archived: it is served, and its chunks can go.
	full := make([]byte, 1<<20)
	copy(full, data)
	_, err = wal.PutFile(t.Context(), b.cfg, seg, full)
	require.NoError(t, err)
	require.NoError(t, wal.DeleteStream(t.Context(), b.cfg, seg))
	got, err = fetch()
	require.NoError(t, err)
	require.Equal(t, full, got)
	files, err := wal.List(t.Context(), b.cfg)
	require.NoError(t, err)
	require.Len(t, files, 1)
}
