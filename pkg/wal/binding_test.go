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

// An archived segment is sealed for its own name: copied over another
// segment's key by a bucket writer, it does not authenticate there, and
// recovery aborts instead of replaying the wrong WAL.
func TestSegmentCopiedToAnotherNameIsRefused(t *testing.T) {
	t.Parallel()
	b := setup(t)
	for _, name := range []string{"000000010000000000000001", "000000010000000000000002"} {
		p, _ := b.segment(t, name, 1<<20)
		_, err := wal.Push(t.Context(), b.cfg, p)
		require.NoError(t, err)
	}
	from := b.cfg.Layout.WAL("00000001", "000000010000000000000001")
	to := b.cfg.Layout.WAL("00000001", "000000010000000000000002")
	rc, err := b.store.Get(t.Context(), from, objstore.Range{})
	require.NoError(t, err)
	var sealed bytes.Buffer
	_, err = sealed.ReadFrom(rc)
	_ = rc.Close()
	require.NoError(t, err)
	_, err = b.store.Put(t.Context(), to, bytes.NewReader(sealed.Bytes()), int64(sealed.Len()))
	require.NoError(t, err)

	dest := b.pgwal + "/RECOVERYXLOG"
	_, err = wal.Fetch(t.Context(), b.cfg, "000000010000000000000002", dest)
	require.Error(t, err)
	require.False(t, errors.Is(err, wal.ErrNotFound))
	require.Equal(t, wal.ExitAbort, wal.FetchExitCode(err))
	_, statErr := os.Stat(dest)
	require.True(t, os.IsNotExist(statErr))
}
