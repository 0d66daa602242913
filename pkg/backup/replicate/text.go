package replicate

import (
	"fmt"
	"io"

	"github.com/arcabackup/arca/pkg/texttable"
)

// WriteText says where the backup's copy in destination to came from and
// what verifying it there read.
func (r Result) WriteText(w io.Writer, to string) {
	fmt.Fprintf(w, "copied backup %s from destination %s to %s and verified it there (%s)\n",
		r.Manifest.BackupID, r.From, to, texttable.Bytes(r.Verified.ObjectBytes))
}
