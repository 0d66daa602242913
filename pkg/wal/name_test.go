package wal_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/wal"
)

func TestParseNameKnowsEveryArchivedKind(t *testing.T) {
	t.Parallel()
	for name, want := range map[string]wal.FileKind{
		"000000010000000000000003":                 wal.KindSegment,
		"0000000100000000000000FF.partial":         wal.KindPartial,
		"000000010000000000000002.00000028.backup": wal.KindBackup,
		"00000002.history":                         wal.KindHistory,
	} {
		f, err := wal.ParseName(name)
		require.NoError(t, err, name)
		require.Equal(t, want, f.Kind, name)
	}
	for _, bad := range []string{"", "RECOVERYXLOG", "00000001000000000000000g", "0000000100000000000000ff",
		"../00000002.history", "000000010000000000000003.tmp", "00000002.history.x", "000000010000000000000002.0000028.backup"} {
		_, err := wal.ParseName(bad)
		require.Error(t, err, bad)
	}
}

func TestSegmentArithmetic(t *testing.T) {
	t.Parallel()
	f, err := wal.ParseName("0000000200000001000000FF")
	require.NoError(t, err)
	require.Equal(t, "00000002", f.TimelineDir())
	require.Equal(t, "000000020000000200000000", wal.NextSegment(f, wal.DefaultSegmentSize))
	require.Equal(t, uint64(0x1FF), f.SegNo(wal.DefaultSegmentSize))

	lsn, err := wal.ParseLSN("0/2000028")
	require.NoError(t, err)
	require.Equal(t, "0/2000028", lsn.String())
	require.Equal(t, "000000010000000000000002", wal.SegmentOf(1, lsn, wal.DefaultSegmentSize))
	lsn, _ = wal.ParseLSN("1/FF000000")
	require.Equal(t, "0000000300000001000000FF", wal.SegmentOf(3, lsn, wal.DefaultSegmentSize))
	// 64 MiB segments: 64 per log id.
	f, _ = wal.ParseName("00000001000000000000003F")
	require.Equal(t, "000000010000000100000000", wal.NextSegment(f, 64<<20))
	_, err = wal.ParseLSN("0-1")
	require.Error(t, err)
}
