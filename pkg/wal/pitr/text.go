package pitr

import (
	"fmt"
	"io"
	"time"

	"github.com/arcabackup/arca/pkg/texttable"
)

// WriteText says which base backup was restored into which data
// directory, and the recovery settings written.
func (r Result) WriteText(w io.Writer) {
	fmt.Fprintf(w, "restored base backup %s into %s (%d files, %s) in %s\n",
		r.Backup.Manifest.BackupID, r.PGData, r.Files, texttable.Bytes(r.Bytes), r.Duration.Round(time.Millisecond))
	for _, s := range r.Settings {
		fmt.Fprintln(w, "  postgresql.auto.conf:", s)
	}
}
