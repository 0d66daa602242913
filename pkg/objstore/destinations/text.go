package destinations

import (
	"fmt"
	"io"

	"github.com/arcabackup/arca/pkg/texttable"
)

// WriteText says what completing the archive in destination to copied.
func (r SyncReport) WriteText(w io.Writer, to string) {
	fmt.Fprintf(w, "copied %d objects (%s) of the base backups and WAL archive to destination %s; it held %d already\n",
		r.Copied, texttable.Bytes(r.Bytes), to, r.Had)
}
