// Package texttable prints rows in aligned columns, as the commands'
// reports show them on a terminal: each package's WriteText builds its
// report's table with it, so every table of arca aligns alike.
package texttable

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// Table is rows of cells in aligned columns, two spaces apart.
type Table struct{ tw *tabwriter.Writer }

// New starts a table on w under head, its column names separated by tabs
// (no heading when "").
func New(w io.Writer, head string) Table {
	return start(w, head, 0)
}

// NewRight is New with every column aligned to the right.
func NewRight(w io.Writer, head string) Table {
	return start(w, head, tabwriter.AlignRight)
}

func start(w io.Writer, head string, flags uint) Table {
	t := Table{tabwriter.NewWriter(w, 0, 0, 2, ' ', flags)}
	if head != "" {
		fmt.Fprintln(t.tw, head)
	}
	return t
}

// Row adds a row, each cell as fmt.Sprint prints it.
func (t Table) Row(cells ...any) {
	s := make([]string, len(cells))
	for i, c := range cells {
		s[i] = fmt.Sprint(c)
	}
	fmt.Fprintln(t.tw, strings.Join(s, "\t"))
}

// Flush ends the table; a failed write to the terminal has no remedy.
func (t Table) Flush() { _ = t.tw.Flush() }

// OrDash is s, or "-" for a cell left empty.
func OrDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// FirstLine is s up to its first line break, for a table cell.
func FirstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i] + " …"
	}
	return s
}
