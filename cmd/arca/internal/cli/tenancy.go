package cli

import (
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/arcabackup/arca/cmd/arca/internal/stack"
	"github.com/arcabackup/arca/pkg/tenancy"
)

func (a *app) tenancyCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "tenancy", Short: "Check how the tenancy configuration divides the database"}
	var only string
	plan := &cobra.Command{
		Use:   "plan",
		Short: "Show every tenant's plan: each table's role and why, the rows it selects, shared and unowned rows, warnings",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			r, err := tenancy.InspectSource(cmd.Context(), a.cfg.Source.URL, stack.Tenancy(a.cfg), only)
			if err != nil {
				return err
			}
			a.emit(r, func(w io.Writer) { printReport(w, r) })
			return r.Err()
		},
	}
	plan.Flags().StringVar(&only, "tenant", "", "show only this tenant's tables")
	cmd.AddCommand(plan)
	return cmd
}

func printReport(w io.Writer, r *tenancy.Report) {
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
