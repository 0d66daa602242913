package cli

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/arcabackup/arca/cmd/arca/internal/stack"
)

func (a *app) drillCmd() *cobra.Command {
	var o stack.DrillOptions
	cmd := &cobra.Command{
		Use:   "drill",
		Short: "Restore the newest backups of a sample of tenants into scratch databases and check them",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			out, err := stack.Drill(cmd.Context(), a.cfg, o, a.log)
			if err != nil {
				return err
			}
			a.emit(out, func(w io.Writer) {
				fmt.Fprint(w, out.Tenants.Summary())
				if full := out.Full; full != nil {
					fmt.Fprintf(w, "full dump %s: passed %v, %d tables, %d rows, RTO %.1fs %s\n", full.BackupID, full.Passed, full.Tables, full.Rows, full.RTOSeconds, full.Reason)
				}
			})
			return out.Err()
		},
	}
	cmd.Flags().StringSliceVar(&o.Tenants, "tenants", nil, "tenants to draw from (default: every tenant)")
	cmd.Flags().IntVar(&o.Sample, "sample", 0, "restore this many, chosen at random (0: all)")
	cmd.Flags().StringVar(&o.AdminURL, "admin-url", "", "cluster for the scratch databases (default: the source)")
	return cmd
}
