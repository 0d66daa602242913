package wal_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/teststack"
	"github.com/arcabackup/arca/pkg/wal"
	"github.com/arcabackup/arca/pkg/wal/internal/pgtest"
)

// TestPushAndFetchOnS3 checks the same contract on the S3 store: the
// plaintext digest travels as an object tag.
func TestPushAndFetchOnS3(t *testing.T) {
	t.Parallel()
	a := pgtest.NewS3Archive(t, teststack.NewVersityGW(t))
	b := setup(t)
	cfg := a.Config()
	p, want := b.segment(t, "000000010000000000000001", 4<<20)

	first, err := wal.Push(t.Context(), cfg, p)
	require.NoError(t, err)
	require.False(t, first.Existed)
	info, err := a.Store.Stat(t.Context(), first.Key)
	require.NoError(t, err)
	require.Len(t, info.Tags[wal.TagPlainSHA256], 64)
	again, err := wal.Push(t.Context(), cfg, p)
	require.NoError(t, err)
	require.True(t, again.Existed)
	other, _ := b.segment(t, "000000010000000000000001", 4<<20)
	_, err = wal.Push(t.Context(), cfg, other)
	var conflict *wal.ConflictError
	require.ErrorAs(t, err, &conflict)

	dest := b.pgwal + "/RECOVERYXLOG"
	_, err = wal.Fetch(t.Context(), cfg, "000000010000000000000001", dest)
	require.NoError(t, err)
	require.FileExists(t, dest)
	got, err := readFile(dest)
	require.NoError(t, err)
	require.Equal(t, want, got)
	_, err = wal.Fetch(t.Context(), cfg, "000000010000000000000002", dest)
	require.ErrorIs(t, err, wal.ErrNotFound)
}
