package backup

import (
	"fmt"
	"io"

	"github.com/arcabackup/arca/pkg/texttable"
)

// WriteText is a row per backup, as arca list prints it.
func (rs Rows) WriteText(w io.Writer) {
	t := texttable.New(w, "BACKUP\tKIND\tTENANT\tCREATED\tSTORED\tRAW\tVERIFIED")
	for _, r := range rs {
		t.Row(r.BackupID, r.Kind, r.Tenant, r.Created.Format("2006-01-02 15:04:05Z"),
			texttable.Bytes(r.Bytes), texttable.Bytes(r.PlainBytes), r.VerifiedText())
	}
	t.Flush()
}

// WriteText is a row per tenant and kind, as arca info prints it; with
// further destinations, each row names its destination and the copies it
// lacks. bucket is named when there is no backup at all.
func (s Surveyed) WriteText(w io.Writer, bucket string) {
	if len(s.Rows) == 0 {
		fmt.Fprintf(w, "no backups in %s\n", bucket)
		return
	}
	head := "TENANT\tKIND\tBACKUPS\tNEWEST\tAGE\tNEWEST IS\tVERIFIED\tFAILED\tPENDING\tOLDEST AGE\tSTORED"
	if s.perDestination {
		head = "DESTINATION\t" + head + "\tMISSING"
	}
	t := texttable.New(w, head)
	for _, r := range s.Rows {
		newest, newestAge, oldestAge := r.Newest, texttable.Age(s.now.Sub(r.NewestAt)), texttable.Age(s.now.Sub(r.OldestAt))
		if r.Backups == 0 {
			newest, newestAge, oldestAge = "-", "-", "-"
		}
		cells := []any{texttable.OrDash(r.Tenant), r.Kind, r.Backups, newest, newestAge, r.NewestStatus,
			r.Verified, r.Failed, r.Pending, oldestAge, texttable.Bytes(r.StoredBytes)}
		if s.perDestination {
			cells = append(append([]any{r.Destination}, cells...), r.Missing)
		}
		t.Row(cells...)
	}
	t.Flush()
}
