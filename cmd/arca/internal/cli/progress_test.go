package cli

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/jobs"
	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/pkg/progress"
	"github.com/arcabackup/arca/pkg/teststack"
)

// On a terminal the progress line is rewritten in place and cleared at the
// end; otherwise each change of stage is a plain line and repeats within
// plainEvery are dropped.
func TestProgressTerminalAndPlain(t *testing.T) {
	var tty bytes.Buffer
	p := &status{w: &tty, tty: true}
	p.show("export", "export 1")
	p.show("upload", "upload 2")
	p.done()
	if got, want := tty.String(), "\r\033[Kexport 1\r\033[Kupload 2\r\033[K"; got != want {
		t.Fatalf("terminal output %q, want %q", got, want)
	}

	var plain bytes.Buffer
	p = &status{w: &plain}
	p.show("export", "export 1")
	p.show("export", "export 2") // same stage within plainEvery: dropped
	p.show("upload", "upload 3")
	p.done()
	if got, want := plain.String(), "export 1\nupload 3\n"; got != want {
		t.Fatalf("plain output %q, want %q", got, want)
	}

	var off bytes.Buffer
	p = &status{w: &off, off: true}
	p.show("export", "x")
	if off.Len() != 0 {
		t.Fatalf("--json without a terminal printed %q", off.String())
	}
}

func TestRateAndETA(t *testing.T) {
	now := time.Date(2026, 11, 29, 21, 0, 0, 0, time.UTC)
	m := progress.NewMeter(func() time.Time { return now }, 100<<20)
	if got := rateETA(m); got != "…" {
		t.Fatalf("got %q", got)
	}
	now = now.Add(10 * time.Second)
	m.Set(50 << 20)
	if got := rateETA(m); got != "5.0 MiB/s, ETA 10s" {
		t.Fatalf("got %q", got)
	}
	if got := age(26*time.Hour + 5*time.Minute); !strings.HasPrefix(got, "26h05m") {
		t.Fatalf("age %q", got)
	}
}

// Off a terminal, each part a stage finishes is a line with the stage's
// bytes so far; events that are not part steps only update the summary.
func TestBackupProgressPrintsAPlainLinePerPart(t *testing.T) {
	var out bytes.Buffer
	bp := &backupProgress{p: &status{w: &out}, tr: progress.NewTracker(time.Now, 1)}
	bp.observe(messages.Event{Tenant: "acme", BackupID: "b1", Stage: messages.StageExport, Status: messages.StatusStarted})
	for i := 0; i < 3; i++ {
		n := i
		bp.observe(messages.PartDone{Ref: messages.Ref{Tenant: "acme", BackupID: "b1"}, Stage: messages.StageExport, Part: n,
			Bytes: 5 << 20, Artifact: "b1.a1", Last: i == 2}.Event())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 4 {
		t.Fatalf("want the summary and 3 part lines, got %q", out.String())
	}
	for i, want := range []string{"export 1/? parts, 5.0 MiB exported (part 1)", "export 2/? parts, 10.0 MiB exported (part 2)", "export 3/3 parts, 15.0 MiB exported (part 3)"} {
		if !strings.Contains(lines[i+1], "acme b1: "+want) {
			t.Fatalf("line %d %q, want %q", i+1, lines[i+1], want)
		}
	}
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
	got := earlierParts(ctx, n.JS, messages.KindTenant, []*outcome{{Tenant: "acme", BackupID: "new"}, {Tenant: "nobody", BackupID: "n2"}})
	require.Equal(t, map[string]int{"new": 3}, got)
	require.Empty(t, earlierParts(ctx, n.JS, messages.KindTenant, []*outcome{{Tenant: "acme", BackupID: "old"}}), "not its own")
	require.Equal(t, map[string]int{"f2": 5}, earlierParts(ctx, n.JS, messages.KindFull, []*outcome{{BackupID: "f2"}}))
}
