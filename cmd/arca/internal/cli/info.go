package cli

import (
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/progress"
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
			places := make([]backup.Place, len(set))
			for i, d := range set {
				c, _ := a.cfg.Destination(d.Name)
				places[i] = backup.Place{Name: d.Name, Repo: a.repo(d.Store, keys), Takes: c.Takes}
			}
			now := time.Now().UTC()
			got, err := backup.Survey(ctx, places, tenant, now)
			if err != nil {
				return err
			}
			rows, refused, failed := got.Rows, got.Refused, got.Failed
			a.emit(rows, func(w io.Writer) { a.infoTable(w, rows, len(set) > 1, now) })
			rerr := a.refused(refused)
			for _, err := range failed {
				fmt.Fprintln(a.errOut, "arca: not read:", OneLine(err))
			}
			if rerr != nil {
				return rerr
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
		newest, newestAge, oldestAge := r.Newest, progress.Age(now.Sub(r.NewestAt)), progress.Age(now.Sub(r.OldestAt))
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
