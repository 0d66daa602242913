package cli

import (
	"fmt"
	"io"
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
				t := newTable(w, "RUN\tKIND\tTRIGGER\tSTATE\tSTARTED")
				for _, r := range st.Runs {
					t.row(r.ID, r.Kind, r.Trigger, r.State, r.StartedAt.Format(time.RFC3339))
				}
				t.flush()
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
			repo, _, err := stack.OpenRepo(ctx, a.cfg)
			if err != nil {
				return err
			}
			got, err := stack.RebuildCatalog(ctx, a.cfg, repo, drop)
			if err != nil {
				return err
			}
			n := got.Backups
			a.emit(map[string]int{"backups": n, "refused": len(got.Refused)}, func(w io.Writer) {
				fmt.Fprintf(w, "catalog rebuilt: %d backups from the bucket\n", n)
			})
			return a.refused(got.Refused)
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
	t := newTable(w, "TENANT\tBACKUP\tSTATE\tBYTES\tERROR")
	for _, j := range js {
		t.row(j.Tenant, j.BackupID, j.State, human(j.Bytes), firstLine(j.Error))
	}
	t.flush()
	for _, j := range js {
		if j.Error != "" {
			fmt.Fprintf(w, "%s %s: %s\n", keyadmin.Scope(j.Tenant), j.BackupID, j.Error)
		}
	}
}
