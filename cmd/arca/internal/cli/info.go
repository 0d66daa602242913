package cli

import (
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/arcabackup/arca/pkg/backup"
)

func (a *app) infoCmd() *cobra.Command {
	var tenant string
	cmd := &cobra.Command{
		Use:   "info",
		Short: "Summarise the backups in the bucket per tenant and kind: counts, ages, verification",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			// As arca list: a refused manifest is reported and skipped.
			found, err := a.listBackups(cmd.Context(), tenant)
			if err != nil {
				return err
			}
			refused := found.Refused
			for _, e := range found.Backups {
				if e.VerificationErr != nil {
					refused = append(refused, e.VerificationErr)
				}
			}
			now := time.Now().UTC()
			rows := backup.Summarize(found.Backups, now)
			a.emit(rows, func(w io.Writer) {
				if len(rows) == 0 {
					fmt.Fprintf(w, "no backups in %s\n", a.bucketName())
					return
				}
				tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
				fmt.Fprintln(tw, "TENANT\tKIND\tBACKUPS\tNEWEST\tAGE\tNEWEST IS\tVERIFIED\tFAILED\tPENDING\tOLDEST AGE\tSTORED")
				for _, r := range rows {
					t := r.Tenant
					if t == "" {
						t = "-"
					}
					fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\t%s\t%d\t%d\t%d\t%s\t%s\n", t, r.Kind, r.Backups, r.Newest,
						age(now.Sub(r.NewestAt)), r.NewestStatus, r.Verified, r.Failed, r.Pending, age(now.Sub(r.OldestAt)), human(r.StoredBytes))
				}
				tw.Flush()
			})
			for _, err := range refused {
				fmt.Fprintln(a.errOut, "arca: skipped:", OneLine(err))
			}
			if len(refused) > 0 {
				return exitError{code: 3, err: fmt.Errorf("%d manifests or verifications refused (listed above)", len(refused))}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&tenant, "tenant", "", "only this tenant")
	return cmd
}

// age is a duration as an operator reads it: 45s, 12m, 5h10m, 3d4h.
func age(d time.Duration) string {
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh%02dm", int(d.Hours()), int(d.Minutes())%60)
	}
	return fmt.Sprintf("%dd%dh", int(d.Hours())/24, int(d.Hours())%24)
}
