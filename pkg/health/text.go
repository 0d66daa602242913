package health

import (
	"fmt"
	"io"
	"strings"

	"github.com/arcabackup/arca/pkg/texttable"
)

// WriteText is the report as arca check prints it: a row per check, then
// the count of problems and warnings.
func (rep Report) WriteText(w io.Writer) {
	t := texttable.New(w, "")
	for _, ch := range rep.Checks {
		t.Row(strings.ToUpper(string(ch.Status)), ch.Check, ch.Detail)
	}
	t.Flush()
	switch {
	case rep.Problems > 0:
		fmt.Fprintf(w, "%d problem(s), %d warning(s)\n", rep.Problems, rep.Warnings)
	case rep.Warnings > 0:
		fmt.Fprintf(w, "no problems, %d warning(s)\n", rep.Warnings)
	default:
		fmt.Fprintln(w, "no problems")
	}
}
