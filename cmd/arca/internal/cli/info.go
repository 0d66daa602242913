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
		Short: "Summarise the backups in each destination per tenant and kind: counts, ages, verification, copies missing",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			set, keys, err := a.openDestinations(ctx)
			if err != nil {
				return err
			}
			// As arca list: a refused manifest is reported and skipped. A
			// destination that cannot be listed is reported too; the
			// others are still summed up.
			var rows []backup.Summary
			var refused, failed []error
			var primary []backup.Entry
			now := time.Now().UTC()
			for i, d := range set {
				repo := a.repo(d.Store, keys)
				prefixes := []string{}
				if tenant != "" {
					prefixes = append(prefixes, repo.Layout.TenantPrefix(tenant))
				}
				found, err := repo.List(ctx, prefixes...)
				if err != nil {
					if i == 0 && len(set) == 1 {
						return err
					}
					failed = append(failed, fmt.Errorf("destination %s: %w", d.Name, err))
					continue
				}
				refused = append(refused, found.Refused...)
				for _, e := range found.Backups {
					if e.VerificationErr != nil {
						refused = append(refused, e.VerificationErr)
					}
				}
				var got []backup.Summary
				if i == 0 {
					primary = found.Backups
					got = backup.Summarize(found.Backups, now)
				} else {
					c, _ := a.cfg.Destination(d.Name)
					got = backup.SummarizeCopy(found.Backups, primary, c.Takes, now)
				}
				for j := range got {
					got[j].Destination = d.Name
				}
				rows = append(rows, got...)
			}
			a.emit(rows, func(w io.Writer) { a.infoTable(w, rows, len(set) > 1, now) })
			for _, err := range refused {
				fmt.Fprintln(a.errOut, "arca: skipped:", OneLine(err))
			}
			for _, err := range failed {
				fmt.Fprintln(a.errOut, "arca: not read:", OneLine(err))
			}
			if len(refused) > 0 {
				return exitError{code: 3, err: fmt.Errorf("%d manifests or verifications refused (listed above)", len(refused))}
			}
			if len(failed) > 0 {
				return fmt.Errorf("%d destinations could not be read (listed above)", len(failed))
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&tenant, "tenant", "", "only this tenant")
	return cmd
}

// infoTable prints info's rows; with further destinations, each row names
// its destination and the copies it lacks.
func (a *app) infoTable(w io.Writer, rows []backup.Summary, perDestination bool, now time.Time) {
	if len(rows) == 0 {
		fmt.Fprintf(w, "no backups in %s\n", a.bucketName())
		return
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	head := "TENANT\tKIND\tBACKUPS\tNEWEST\tAGE\tNEWEST IS\tVERIFIED\tFAILED\tPENDING\tOLDEST AGE\tSTORED"
	if perDestination {
		head = "DESTINATION\t" + head + "\tMISSING"
	}
	fmt.Fprintln(tw, head)
	for _, r := range rows {
		t := r.Tenant
		if t == "" {
			t = "-"
		}
		newest, newestAge, oldestAge := r.Newest, age(now.Sub(r.NewestAt)), age(now.Sub(r.OldestAt))
		if r.Backups == 0 {
			newest, newestAge, oldestAge = "-", "-", "-"
		}
		line := fmt.Sprintf("%s\t%s\t%d\t%s\t%s\t%s\t%d\t%d\t%d\t%s\t%s", t, r.Kind, r.Backups, newest,
			newestAge, r.NewestStatus, r.Verified, r.Failed, r.Pending, oldestAge, human(r.StoredBytes))
		if perDestination {
			line = r.Destination + "\t" + line + fmt.Sprintf("\t%d", r.Missing)
		}
		fmt.Fprintln(tw, line)
	}
	_ = tw.Flush() // terminal output: a failed write has no remedy
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
