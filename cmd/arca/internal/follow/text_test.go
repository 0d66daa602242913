package follow_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/cmd/arca/internal/follow"
	"github.com/arcabackup/arca/cmd/arca/internal/stack"
	"github.com/arcabackup/arca/pkg/messages"
)

func TestTheWaitedForBackupsPrintAsATableWithTotalsThenWhyNot(t *testing.T) {
	t.Parallel()
	var s follow.Set
	ok := s.Add("acme", "b-1")
	ok.Status, ok.Tables, ok.Rows, ok.PlainBytes, ok.Bytes, ok.Seconds = follow.Verified, 3, 40, 2048, 1024, 1.25
	bad := s.Add("beta", "b-2")
	bad.Status, bad.Reason = follow.Failed, "verify: digest mismatch"
	var b strings.Builder
	s.WriteText(&b)
	lines := strings.Split(b.String(), "\n")
	require.Len(t, lines, 6, b.String())
	require.Regexp(t, `^\s+TENANT\s+BACKUP\s+TABLES\s+ROWS\s+RAW\s+STORED\s+SECONDS\s+VERIFIED$`, lines[0])
	require.Regexp(t, `^\s+acme\s+b-1\s+3\s+40\s+2\.0 KiB\s+1\.0 KiB\s+1\.2\s+true$`, lines[1])
	require.Regexp(t, `^\s+2 backups\s+2\.0 KiB\s+1\.0 KiB\s*$`, lines[3])
	require.Equal(t, "beta b-2: failed: verify: digest mismatch", lines[4])
	require.EqualError(t, s.Err(), "1 of 2 backups not verified")
}

func TestStartedAndDecidedLines(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	follow.WriteStarted(&b, messages.KindTenant, stack.Queued{Tenant: "acme", BackupID: "b-1"})
	follow.WriteStarted(&b, messages.KindTenant, stack.Queued{Tenant: "beta", SkippedFor: "b-0"})
	(&follow.Outcome{Status: follow.Verified, BackupID: "b-1", Tenant: "acme", Seconds: 2}).WriteDecided(&b)
	require.Equal(t, "queued tenant backup b-1 acme\n"+
		"skipped tenant backup of beta: backup b-0 is in flight\n"+
		"verified  b-1 acme (2.0s)\n", b.String())
}
