package receive_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/teststack"
	"github.com/arcabackup/arca/pkg/wal"
)

// TestStreamedSegmentsAndPartialRecoverEveryCommit: with no archive_command
// at all, the receiver's segments and the partial of the last one bring a
// restored cluster to the last commit; a completed segment is byte for byte
// the file in pg_wal (what wal-push would have archived).
func TestStreamedSegmentsAndPartialRecoverEveryCommit(t *testing.T) {
	t.Parallel()
	p := newPrimary(t, options{})
	run := start(t, p.receiverConfig(t))
	teststack.Eventually(t, time.Minute, func() bool { return run.r.Status().Connected }, "the receiver to connect")
	p.insert(t, 1, 10)
	p.baseBackup(t)
	p.insert(t, 11, 20)
	done := p.switchWAL(t)
	p.insert(t, 21, 30)
	p.waitStored(t, run)

	objs := objects(t, p.archive)
	require.Contains(t, objs, done, "the completed segment")
	current := run.r.Status().Segment
	var chunks int
	for name, f := range objs {
		if f.Kind == wal.KindStream {
			require.Equal(t, current, name[:24], "only the segment being written has chunks (%s)", name)
			chunks++
		}
	}
	require.NotZero(t, chunks, "the segment being written is in the bucket as chunks")

	got := filepath.Join(t.TempDir(), done)
	cfg := p.archive.Config()
	cfg.Prefetch = -1
	_, err := wal.Fetch(t.Context(), cfg, done, got)
	require.NoError(t, err)
	plain, err := os.ReadFile(got)
	require.NoError(t, err)
	require.True(t, bytes.Equal(readPGWAL(t, p.cluster, done), plain), "segment %s as in pg_wal", done)

	_, err = wal.Fetch(t.Context(), cfg, current, got)
	require.NoError(t, err, "a segment only streamed in part is served from its partial")
	fi, err := os.Stat(got)
	require.NoError(t, err)
	require.Equal(t, int64(wal.DefaultSegmentSize), fi.Size(), "padded to the segment size")

	p.cluster.Stop(t) // immediate: nothing more is written
	run.stop()
	require.Equal(t, seq(1, 30), restoreLatest(t, p.archive))
}

// TestReceiverBesideArchiveCommand: both archive the same segments; neither
// fails nor writes a conflicting object, and recovery reaches the last
// commit through the partial.
func TestReceiverBesideArchiveCommand(t *testing.T) {
	t.Parallel()
	p := newPrimary(t, options{archiveCommand: true})
	run := start(t, p.receiverConfig(t))
	teststack.Eventually(t, time.Minute, func() bool { return run.r.Status().Connected }, "the receiver to connect")
	p.insert(t, 1, 5)
	p.baseBackup(t)
	for i := range 3 {
		p.insert(t, 6+10*i, 15+10*i)
		seg := p.switchWAL(t)
		teststack.Eventually(t, 2*time.Minute, func() bool {
			var last *string
			err := p.conn.QueryRow(t.Context(), "SELECT last_archived_wal FROM pg_stat_archiver").Scan(&last)
			return err == nil && last != nil && *last >= seg
		}, "segment "+seg+" archived by archive_command")
	}
	p.insert(t, 36, 40)
	p.waitStored(t, run)
	require.Zero(t, p.archive.Failed(t, "push"), "archive_command never failed (no conflict with the receiver)")
	p.cluster.Stop(t)
	run.stop()
	require.Equal(t, seq(1, 40), restoreLatest(t, p.archive))
}
