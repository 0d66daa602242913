package progress_test

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/jobs"
	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/pkg/progress"
	"github.com/arcabackup/arca/pkg/teststack"
)

func TestRateETA(t *testing.T) {
	c := newClock()
	m := progress.NewMeter(c.now, 100<<20)
	require.Equal(t, "…", progress.RateETA(m))
	c.advance(10 * time.Second)
	m.Set(50 << 20)
	require.Equal(t, "5.0 MiB/s, ETA 10s", progress.RateETA(m))
}

// Off a terminal, each part a stage finishes is a line with the stage's
// bytes so far; events that are not part steps only update the summary.
func TestBackupsPrintAPlainLinePerPart(t *testing.T) {
	var out bytes.Buffer
	bp := progress.NewBackups(progress.NewLine(&out, false, false), time.Now, 1, nil)
	bp.Observe(messages.Event{Tenant: "acme", BackupID: "b1", Stage: messages.StageExport, Status: messages.StatusStarted})
	for i := 0; i < 3; i++ {
		bp.Observe(messages.PartDone{Ref: messages.Ref{Tenant: "acme", BackupID: "b1"}, Stage: messages.StageExport, Part: i,
			Bytes: 5 << 20, Artifact: "b1.a1", Last: i == 2}.Event())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	require.Len(t, lines, 4, "the summary and 3 part lines: %q", out.String())
	require.True(t, strings.HasPrefix(lines[0], "backups 0/1 done"), lines[0])
	for i, want := range []string{"export 1/? parts, 5.0 MiB exported (part 1)", "export 2/? parts, 10.0 MiB exported (part 2)", "export 3/3 parts, 15.0 MiB exported (part 3)"} {
		require.Contains(t, lines[i+1], "acme b1: "+want)
	}
	bp.Finished("b1", false)
	bp.Done()
	require.Contains(t, out.String(), "backups 1/1 done (1 not verified)")
}

// A read of a sealed object names the part being read, the bytes, the
// rate: a plain line per part.
func TestReaderShowsEachPart(t *testing.T) {
	var out bytes.Buffer
	c := newClock()
	m := backup.Manifest{BackupID: "b1"}
	m.Object.Size = 8
	m.Object.Parts = []backup.Part{{Offset: 0, Size: 4}, {Offset: 4, Size: 4}}
	r := progress.NewReader(strings.NewReader("abcdefgh"), progress.NewLine(&out, false, false), m, "restore", c.now)
	for _, n := range []int{3, 5} {
		_, err := io.ReadFull(r, make([]byte, n))
		require.NoError(t, err)
		c.advance(time.Second)
	}
	r.Finish()
	require.Equal(t, "restore b1: part 1/2, 3 B of 8 B, …, 0s\nrestore b1: part 2/2, 8 B of 8 B, 8 B/s, 1s\n", out.String())
}

// Watch gives every read a line of its own, and reads the object whole.
func TestWatchGivesEachReadALine(t *testing.T) {
	var out bytes.Buffer
	lines := 0
	watch := progress.Watch(func() *progress.Line { lines++; return progress.NewLine(&out, false, false) })
	m := backup.Manifest{BackupID: "b1"}
	m.Object.Size = 8
	m.Object.Parts = []backup.Part{{Offset: 0, Size: 8}}
	for range 2 {
		r, done := watch(strings.NewReader("abcdefgh"), m, "restore")
		got, err := io.ReadAll(r)
		require.NoError(t, err)
		require.Equal(t, "abcdefgh", string(got))
		done()
	}
	require.Equal(t, 2, lines)
	require.Contains(t, out.String(), "restore b1: part 1/1, 8 B of 8 B")
}

// The part count of a tenant's previous export is read back from EVENTS
// (the newest export succeeded event of the tenant, a wildcard last-by-
// subject get on the real server): of the same kind only, never the
// backup's own, never another tenant's.
func TestEarlierPartsFromTheEvents(t *testing.T) {
	n := teststack.NewNATS(t)
	ctx := t.Context()
	require.NoError(t, jobs.EnsureStreams(ctx, n.JS, jobs.StreamOptions{}))
	pub := jobs.NewPublisher(n.JS)
	for _, e := range []messages.Event{
		{Tenant: "acme", Kind: messages.KindTenant, BackupID: "old", Stage: messages.StageExport, Status: messages.StatusSucceeded, Attrs: map[string]string{"parts": "3"}},
		{Tenant: "acme", Kind: messages.KindTenant, BackupID: "older", Stage: messages.StageVerify, Status: messages.StatusSucceeded},
		messages.PartDone{Ref: messages.Ref{Tenant: "acme", Kind: messages.KindTenant, BackupID: "old"}, Stage: messages.StageExport, Part: 7}.Event(),
		{Tenant: "other", Kind: messages.KindTenant, BackupID: "o1", Stage: messages.StageExport, Status: messages.StatusSucceeded, Attrs: map[string]string{"parts": "9"}},
		{Kind: messages.KindFull, BackupID: "f1", Stage: messages.StageExport, Status: messages.StatusSucceeded, Attrs: map[string]string{"parts": "5"}},
	} {
		require.NoError(t, pub.Event(ctx, e))
	}
	got := progress.EarlierParts(ctx, n.JS, messages.KindTenant, []progress.Ref{{Tenant: "acme", BackupID: "new"}, {Tenant: "nobody", BackupID: "n2"}})
	require.Equal(t, map[string]int{"new": 3}, got)
	require.Empty(t, progress.EarlierParts(ctx, n.JS, messages.KindTenant, []progress.Ref{{Tenant: "acme", BackupID: "old"}}), "not its own")
	require.Equal(t, map[string]int{"f2": 5}, progress.EarlierParts(ctx, n.JS, messages.KindFull, []progress.Ref{{BackupID: "f2"}}))
}
