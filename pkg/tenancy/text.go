package tenancy

import (
	"fmt"
	"io"
	"text/tabwriter"
)

// WriteText is the report as arca tenancy plan prints it: each tenant's
// tables with their role, rows and path, then the shared and unowned rows
// and the warnings.
func (r *Report) WriteText(w io.Writer) {
	for _, t := range r.Tenants {
		fmt.Fprintf(w, "tenant %s", t.ID)
		if t.Schema != "" {
			fmt.Fprintf(w, " (schema %s)", t.Schema)
		}
		fmt.Fprintln(w)
		if t.Error != "" {
			fmt.Fprintf(w, "  error: %s\n", t.Error)
			continue
		}
		tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
		for _, tab := range t.Tables {
			fmt.Fprintf(tw, "  %s\t%s.%s\t%d rows\t%s\n", tab.Role, tab.Schema, tab.Name, tab.Rows, tab.Path)
		}
		_ = tw.Flush() // terminal output: a failed write has no remedy
	}
	for _, c := range r.Shared {
		fmt.Fprintf(w, "shared: %s: %d rows owned by two or more of %v\n", c.Table, c.Rows, c.Tenants)
	}
	for _, c := range r.Unowned {
		fmt.Fprintf(w, "unowned: %s: %d rows no tenant owns\n", c.Table, c.Rows)
	}
	for _, warn := range r.Warnings {
		fmt.Fprintln(w, "warning:", warn)
	}
}
