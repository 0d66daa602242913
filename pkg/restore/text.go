package restore

import (
	"fmt"
	"io"

	"github.com/arcabackup/arca/pkg/texttable"
)

// WriteText is a tenant restore as arca restore tenant prints it: what
// came back from where, then its rows (WriteRows).
func (r Result) WriteText(w io.Writer) {
	fmt.Fprintf(w, "restored tenant %s from backup %s (%s): %d tables, %d rows, %s, in %s\n",
		r.Tenant, r.BackupID, r.Mode, len(r.Tables), r.Rows(), texttable.Bytes(r.PlainBytes), r.Duration.Round(1e6))
	r.WriteRows(w)
}

// WriteRows is the rows line of a tenant restore, its schema and its
// warnings.
func (r Result) WriteRows(w io.Writer) {
	fmt.Fprintf(w, "rows restored %d, reference rows inserted %d, reference rows already present %d",
		r.Restored, r.ReferenceInserted, r.ReferencePresent)
	if r.Mode == ModeReplace {
		fmt.Fprintf(w, ", rows deleted first %d, orphans replaced %d, rows another tenant also owns kept %d", r.Deleted, r.Orphans, r.Kept)
	}
	fmt.Fprintln(w)
	if r.Schema != "" {
		fmt.Fprintf(w, "tenant schema: %s\n", r.Schema)
	}
	for _, warn := range r.Warnings {
		fmt.Fprintln(w, "warning:", warn)
	}
}

// WriteText is a full restore as arca restore full prints it.
func (r FullResult) WriteText(w io.Writer) {
	if r.Globals {
		fmt.Fprintf(w, "applied the globals (%d roles or tablespaces existed already)\n", r.GlobalsExisting)
		if r.GlobalsWithoutPasswords {
			fmt.Fprintln(w, "the roles have no passwords: the backup's source role could not read them (not a superuser)")
		}
	}
	fmt.Fprintf(w, "restored full backup %s (%s) with %d jobs in %s\n", r.BackupID, texttable.Bytes(r.DumpBytes), r.Jobs, r.Duration.Round(1e6))
}
