package cli

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/arcabackup/arca/cmd/arca/internal/stack"
)

func (a *app) coordinatorCmds() []*cobra.Command {
	run := command("coordinator", cobra.NoArgs, "Run the coordinator: schedules, fan-out per tenant, the catalog, the HTTP API",
		func(ctx context.Context, _ []string) error { return a.runServices(ctx, stack.Set{Coordinator: true}) })
	var limit int
	status := command("status [RUN]", cobra.MaximumNArgs(1), "Recent runs from the catalog, or one run's jobs",
		func(ctx context.Context, args []string) error {
			run := ""
			if len(args) == 1 {
				run = args[0]
			}
			return a.print(stack.ReadStatus(ctx, a.cfg, run, limit))
		})
	status.Flags().IntVar(&limit, "limit", 20, "how many runs")
	var drop bool
	rebuild := command("rebuild", cobra.NoArgs, "Rebuild the catalog's backups from the manifests in the bucket",
		func(ctx context.Context, _ []string) error {
			got, err := stack.RebuildCatalogFromBucket(ctx, a.cfg, drop)
			if err != nil {
				return err
			}
			a.emit(map[string]int{"backups": got.Backups, "refused": len(got.Refused)}, func(w io.Writer) {
				fmt.Fprintf(w, "catalog rebuilt: %d backups from the bucket\n", got.Backups)
			})
			return a.refused(got.Refused)
		})
	rebuild.Flags().BoolVar(&drop, "drop", false, "drop the catalog first")
	return []*cobra.Command{run, status, group("catalog", "The catalog: a cache of the truth in the bucket", rebuild)}
}
