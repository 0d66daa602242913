package verify

import (
	"fmt"
	"io"

	"github.com/arcabackup/arca/pkg/texttable"
)

// WriteText says what verifying the backup in destination proved.
func (r Result) WriteText(w io.Writer, destination string) {
	fmt.Fprintf(w, "backup %s verified in destination %s: %d parts, %s sealed, %s raw, %d tables, in %s\n", r.BackupID, destination,
		r.Parts, texttable.Bytes(r.ObjectBytes), texttable.Bytes(r.PlainBytes), len(r.Tables), r.Duration.Round(1e6))
}
