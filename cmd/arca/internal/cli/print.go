package cli

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/progress"
)

// table prints rows in aligned columns under head (none when ""), each
// row's cells separated by tabs.
type table struct{ tw *tabwriter.Writer }

func newTable(w io.Writer, head string) table {
	t := table{tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)}
	if head != "" {
		fmt.Fprintln(t.tw, head)
	}
	return t
}

func (t table) row(cells ...any) {
	s := make([]string, len(cells))
	for i, c := range cells {
		s[i] = fmt.Sprint(c)
	}
	fmt.Fprintln(t.tw, strings.Join(s, "\t"))
}

// flush ends the table; a failed write to the terminal has no remedy.
func (t table) flush() { _ = t.tw.Flush() }

// refused reports the manifests or verifications a listing skipped, one
// line each on stderr; any makes the exit code 3.
func (a *app) refused(errs []error) error {
	for _, err := range errs {
		fmt.Fprintln(a.errOut, "arca: skipped:", OneLine(err))
	}
	if len(errs) > 0 {
		return exitError{code: 3, err: fmt.Errorf("%d manifests or verifications refused (listed above)", len(errs))}
	}
	return nil
}

// human prints a byte count in binary units.
func human(n int64) string { return progress.Bytes(n) }

// orDash is s, or "-" for a cell left empty.
func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// firstLine is s up to its first line break, for a table cell.
func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i] + " …"
	}
	return s
}

// newProgress is the progress line on stderr (pkg/progress.Line): nothing
// with --json unless stderr is a terminal.
func (a *app) newProgress() *progress.Line {
	tty := progress.IsTerminal(a.errOut)
	return progress.NewLine(a.errOut, tty, a.json && !tty)
}

// watchRestore shows the progress of each read of a restore.
func (a *app) watchRestore(r io.Reader, m backup.Manifest, phase string) (io.Reader, func()) {
	pr := progress.NewReader(r, a.newProgress(), m, phase, time.Now)
	return pr, pr.Finish
}
