package cli

import (
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/arcabackup/arca/cmd/arca/internal/stack"
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
			now := time.Now().UTC()
			got, err := backup.Survey(ctx, stack.Places(a.cfg, set, keys), tenant, now)
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
	head := "TENANT\tKIND\tBACKUPS\tNEWEST\tAGE\tNEWEST IS\tVERIFIED\tFAILED\tPENDING\tOLDEST AGE\tSTORED"
	if perDestination {
		head = "DESTINATION\t" + head + "\tMISSING"
	}
	t := newTable(w, head)
	for _, r := range rows {
		newest, newestAge, oldestAge := r.Newest, progress.Age(now.Sub(r.NewestAt)), progress.Age(now.Sub(r.OldestAt))
		if r.Backups == 0 {
			newest, newestAge, oldestAge = "-", "-", "-"
		}
		cells := []any{orDash(r.Tenant), r.Kind, r.Backups, newest, newestAge, r.NewestStatus, r.Verified, r.Failed, r.Pending, oldestAge, human(r.StoredBytes)}
		if perDestination {
			cells = append(append([]any{r.Destination}, cells...), r.Missing)
		}
		t.row(cells...)
	}
	t.flush()
}
