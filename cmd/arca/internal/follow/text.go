package follow

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/arcabackup/arca/cmd/arca/internal/stack"
	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/pkg/texttable"
)

// WriteStarted is the line of a backup queued, or skipped for one in
// flight.
func WriteStarted(w io.Writer, kind messages.Kind, q stack.Queued) {
	if q.SkippedFor != "" {
		fmt.Fprintf(w, "skipped %s backup of %s: backup %s is in flight\n", kind, q.Tenant, q.SkippedFor)
		return
	}
	fmt.Fprintf(w, "queued %s backup %s %s\n", kind, q.BackupID, q.Tenant)
}

// WriteDecided is the line of a backup's final state, as it comes.
func (o *Outcome) WriteDecided(w io.Writer) {
	fmt.Fprintf(w, "%-9s %s %s (%.1fs)\n", o.Status, o.BackupID, o.Tenant, o.Seconds)
}

// MarshalJSON is the backups in start order.
func (s *Set) MarshalJSON() ([]byte, error) { return json.Marshal(s.Order) }

// WriteText is the table of the backups waited for, with their totals,
// then why each one not verified is not; nothing when Run did not wait
// (Options.Out had their lines as they were queued).
func (s *Set) WriteText(w io.Writer) {
	if s.queuedOnly {
		return
	}
	t := texttable.NewRight(w, "TENANT\tBACKUP\tTABLES\tROWS\tRAW\tSTORED\tSECONDS\tVERIFIED\t")
	var raw, stored int64
	for _, o := range s.Order {
		t.Row(o.Tenant, o.BackupID, o.Tables, o.Rows, texttable.Bytes(o.PlainBytes), texttable.Bytes(o.Bytes),
			fmt.Sprintf("%.1f", o.Seconds), o.Status == Verified, "")
		raw += o.PlainBytes
		stored += o.Bytes
	}
	t.Row(fmt.Sprintf("%d backups", len(s.Order)), "", "", "", texttable.Bytes(raw), texttable.Bytes(stored), "", "", "")
	t.Flush()
	for _, o := range s.Order {
		if o.Status != Verified {
			fmt.Fprintf(w, "%s %s: %s: %s\n", o.Tenant, o.BackupID, o.Status, o.Reason)
		}
	}
}

// Err is the backups waited for and not verified, if any (none when Run
// did not wait).
func (s *Set) Err() error {
	if n := s.NotVerified(); !s.queuedOnly && n > 0 {
		return fmt.Errorf("%d of %d backups not verified", n, len(s.Order))
	}
	return nil
}
