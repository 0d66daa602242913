package cli

import (
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/arcabackup/arca/cmd/arca/internal/keyadmin"
	"github.com/arcabackup/arca/cmd/arca/internal/stack"
	coordinator "github.com/arcabackup/arca/services/coordinator/service"
)

func (a *app) coordinatorCmds() []*cobra.Command {
	run := &cobra.Command{
		Use:   "coordinator",
		Short: "Run the coordinator: schedules, fan-out per tenant, the catalog, the HTTP API",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.runServices(cmd.Context(), stack.Set{Coordinator: true})
		},
	}
	var limit int
	status := &cobra.Command{
		Use:   "status [RUN]",
		Short: "Recent runs from the catalog, or one run's jobs",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			run := ""
			if len(args) == 1 {
				run = args[0]
			}
			st, err := stack.ReadStatus(cmd.Context(), a.cfg, run, limit)
			if err != nil {
				return err
			}
			if run != "" {
				a.emit(map[string]any{"run": st.Run, "jobs": st.Jobs}, func(w io.Writer) { printRun(w, st.Run, st.Jobs) })
				return nil
			}
			a.emit(st.Runs, func(w io.Writer) {
				tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
				fmt.Fprintln(tw, "RUN\tKIND\tTRIGGER\tSTATE\tSTARTED")
				for _, r := range st.Runs {
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.ID, r.Kind, r.Trigger, r.State, r.StartedAt.Format(time.RFC3339))
				}
				_ = tw.Flush() // terminal output: a failed write has no remedy
			})
			return nil
		},
	}
	status.Flags().IntVar(&limit, "limit", 20, "how many runs")
	var drop bool
	rebuild := &cobra.Command{
		Use:   "rebuild",
		Short: "Rebuild the catalog's backups from the manifests in the bucket",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			store, keys, err := a.openBucket(ctx)
			if err != nil {
				return err
			}
			got, err := stack.RebuildCatalog(ctx, a.cfg, a.repo(store, keys), drop)
			if err != nil {
				return err
			}
			n := got.Backups
			a.emit(map[string]int{"backups": n, "refused": len(got.Refused)}, func(w io.Writer) {
				fmt.Fprintf(w, "catalog rebuilt: %d backups from the bucket\n", n)
			})
			for _, err := range got.Refused {
				fmt.Fprintln(a.errOut, "arca: skipped:", OneLine(err))
			}
			if len(got.Refused) > 0 {
				return exitError{code: 3, err: fmt.Errorf("%d manifests or verifications refused (listed above)", len(got.Refused))}
			}
			return nil
		},
	}
	rebuild.Flags().BoolVar(&drop, "drop", false, "drop the catalog first")
	catalogCmd := &cobra.Command{Use: "catalog", Short: "The catalog: a cache of the truth in the bucket"}
	catalogCmd.AddCommand(rebuild)
	return []*cobra.Command{run, status, catalogCmd}
}

func printRun(w io.Writer, r coordinator.Run, js []coordinator.Job) {
	fmt.Fprintf(w, "run %s (%s, %s): %s\n", r.ID, r.Kind, r.Trigger, r.State)
	if r.Error != "" {
		fmt.Fprintf(w, "error: %s\n", r.Error)
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "TENANT\tBACKUP\tSTATE\tBYTES\tERROR")
	for _, j := range js {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", j.Tenant, j.BackupID, j.State, human(j.Bytes), firstLine(j.Error))
	}
	_ = tw.Flush() // terminal output: a failed write has no remedy
	for _, j := range js {
		if j.Error != "" {
			fmt.Fprintf(w, "%s %s: %s\n", keyadmin.Scope(j.Tenant), j.BackupID, j.Error)
		}
	}
}
