package wal_test

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/wal"
)

// walSegment writes a segment whose first page carries a long header with
// the system identifier, as PostgreSQL's do.
func (b bundle) walSegment(t *testing.T, name string, sysid uint64) string {
	t.Helper()
	data := make([]byte, b.cfg.SegmentSize)
	binary.LittleEndian.PutUint16(data[0:2], 0xD110) // PostgreSQL 15's page magic
	binary.LittleEndian.PutUint16(data[2:4], 0x0002) // XLP_LONG_HEADER
	binary.LittleEndian.PutUint64(data[24:32], sysid)
	binary.LittleEndian.PutUint32(data[32:36], uint32(b.cfg.SegmentSize))
	binary.LittleEndian.PutUint32(data[36:40], 8192)
	copy(data[64:], name) // segments differ
	p := filepath.Join(b.pgwal, name)
	require.NoError(t, os.WriteFile(p, data, 0o600))
	return p
}

func (b bundle) history(t *testing.T, tl uint32, content string) string {
	t.Helper()
	p := filepath.Join(b.pgwal, wal.SegmentName(tl, 0, b.cfg.SegmentSize)[:8]+".history")
	require.NoError(t, os.WriteFile(p, []byte(content), 0o600))
	return p
}

const primary, other = 7441234567890123456, 7449999999999999999

func TestPushRefusesASegmentOfAnotherCluster(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := t.Context()
	_, err := wal.Push(ctx, b.cfg, b.walSegment(t, "000000010000000000000001", primary))
	require.NoError(t, err)
	id, err := wal.ReadIdentity(ctx, b.cfg)
	require.NoError(t, err)
	require.Equal(t, "7441234567890123456", id.SystemIdentifier)
	_, err = wal.Push(ctx, b.cfg, b.walSegment(t, "000000010000000000000002", primary))
	require.NoError(t, err)

	_, err = wal.Push(ctx, b.cfg, b.walSegment(t, "000000010000000000000003", other))
	var foreign *wal.ForeignClusterError
	require.ErrorAs(t, err, &foreign)
	require.Equal(t, wal.ExitFailed, wal.PushExitCode(err))
	_, err = b.store.Stat(ctx, "prod/wal/00000001/000000010000000000000003")
	require.Error(t, err, "nothing archived")
}

// A cluster restored to a point in the past and promoted writes timeline 2
// from a switch point that timeline 1 has long passed: its history and its
// segments are refused, and an archive check reports the fork. Before, the
// restored cluster archived into production's prefix, and restore --latest
// followed its timeline.
func TestPushRefusesAForkedTimelineAndTheCheckReportsIt(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := t.Context()
	for _, n := range []string{"000000010000000000000001", "000000010000000000000002", "000000010000000000000003", "000000010000000000000004"} {
		_, err := wal.Push(ctx, b.cfg, b.walSegment(t, n, primary))
		require.NoError(t, err)
	}
	// Timeline 2 leaves timeline 1 in segment 2 (1 MiB segments).
	hist := b.history(t, 2, "1\t0/200100\tbefore 2026-11-29 10:00:00+00\n")
	_, err := wal.Push(ctx, b.cfg, hist)
	var tlErr *wal.TimelineError
	require.ErrorAs(t, err, &tlErr)
	require.Contains(t, err.Error(), "2 later segments of timeline 1")
	_, err = wal.Push(ctx, b.cfg, b.walSegment(t, "000000020000000000000002", primary))
	require.ErrorAs(t, err, &tlErr, "no history, no segments")
	require.Contains(t, err.Error(), "no history")

	c, err := wal.CheckContinuity(ctx, b.cfg, nil, wal.CheckOptions{})
	require.NoError(t, err)
	require.Empty(t, c.Forks, "nothing of timeline 2 was archived")

	// Accepted (say, by mistake), the fork is then reported as soon as
	// timeline 1 goes on archiving.
	accept := b.cfg
	accept.AcceptTimeline = 2
	_, err = wal.Push(ctx, accept, hist)
	require.NoError(t, err)
	time.Sleep(10 * time.Millisecond) // a later modification time than the history's
	_, err = wal.Push(ctx, b.cfg, b.walSegment(t, "000000010000000000000005", primary))
	require.NoError(t, err)
	c, err = wal.CheckContinuity(ctx, b.cfg, nil, wal.CheckOptions{})
	require.NoError(t, err)
	require.Len(t, c.Forks, 1)
	require.Equal(t, wal.Fork{Timeline: 2, Parent: 1, At: c.Forks[0].At, ParentNewest: "000000010000000000000005", ParentSegments: 1}, c.Forks[0])
	require.False(t, c.OK())
	require.Contains(t, c.Err().Error(), "timeline 2 forks from timeline 1")
}

// A standby promoted at the end of what the primary archived is a failover:
// its history and its segments are archived.
func TestPushAcceptsAFailoverTimeline(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := t.Context()
	for _, n := range []string{"000000010000000000000001", "000000010000000000000002"} {
		_, err := wal.Push(ctx, b.cfg, b.walSegment(t, n, primary))
		require.NoError(t, err)
	}
	_, err := wal.Push(ctx, b.cfg, b.history(t, 2, "1\t0/2FF000\tno recovery target specified\n"))
	require.NoError(t, err)
	_, err = wal.Push(ctx, b.cfg, b.walSegment(t, "000000020000000000000002", primary))
	require.NoError(t, err)
	_, err = wal.Push(ctx, b.cfg, b.walSegment(t, "000000020000000000000003", primary))
	require.NoError(t, err)
	c, err := wal.CheckContinuity(ctx, b.cfg, nil, wal.CheckOptions{})
	require.NoError(t, err)
	require.Empty(t, c.Forks)
}
