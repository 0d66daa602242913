package cli

import (
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/arcabackup/arca/cmd/arca/internal/stack"
	"github.com/arcabackup/arca/pkg/retention/prune"
)

func (a *app) pruneCmd() *cobra.Command {
	var dry bool
	var only string
	cmd := &cobra.Command{
		Use:   "prune",
		Short: "Delete backups past retention; never the newest verified of a tenant, nor anything held or locked",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			runs, err := stack.Prune(cmd.Context(), a.cfg, dry, only)
			var v any = runs
			if len(a.cfg.Destinations()) == 1 && len(runs) == 1 {
				v = runs[0].Report // one destination: the report as before
			}
			a.emit(v, func(w io.Writer) {
				for _, run := range runs {
					if len(a.cfg.Destinations()) > 1 {
						fmt.Fprintf(w, "destination %s:\n", run.Destination)
					}
					printPrune(w, run.Report)
				}
			})
			return usage(err)
		},
	}
	cmd.Flags().BoolVar(&dry, "dry-run", false, "list what would go and why; delete nothing")
	cmd.Flags().StringVar(&only, "destination", "", "prune only this destination (store.destinations; default every one)")
	return cmd
}

func printPrune(w io.Writer, rep prune.Report) {
	for _, d := range rep.Deletions {
		fmt.Fprintf(w, "%-12s %s %s %s: %v\n", d.Outcome, d.Kind, d.Tenant, d.BackupID, d.Reasons)
	}
	for _, pr := range rep.Problems {
		fmt.Fprintf(w, "%-12s %s: %s\n", "skipped", pr.Key, OneLine(errors.New(pr.Error)))
	}
	for _, u := range rep.Uploads {
		fmt.Fprintf(w, "%-12s upload %s (%s, initiated %s)", u.Outcome, u.Key, u.Reason, u.Initiated.UTC().Format(time.RFC3339))
		if u.Error != "" {
			fmt.Fprintf(w, ": %s", u.Error)
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "%d multipart uploads that can never complete; %d of backups in progress left alone\n", len(rep.Uploads), rep.UploadsKept)
	fmt.Fprintf(w, "%d backups: %d kept, %d deleted, %d locked, %d failed; %s freed (dry run: %v)\n",
		rep.Backups, rep.Kept, rep.Deleted, rep.Locked, rep.Failed, human(rep.BytesFreed), rep.DryRun)
}

func (a *app) lifecycleCmd() *cobra.Command {
	var apply, xml bool
	cmd := &cobra.Command{
		Use:   "lifecycle",
		Short: "Print (or with --apply set) the S3 lifecycle rules derived from the retention policy",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			conf, notes := stack.Lifecycle(a.cfg)
			doc, err := conf.JSON()
			if xml {
				doc, err = conf.XML()
			}
			if err != nil {
				return err
			}
			fmt.Fprintln(a.out, string(doc))
			for _, n := range notes {
				fmt.Fprintln(a.errOut, "note:", n)
			}
			if !apply {
				return nil
			}
			return usage(stack.ApplyLifecycle(cmd.Context(), a.cfg, conf))
		},
	}
	cmd.Flags().BoolVar(&apply, "apply", false, "set the rules on the bucket")
	cmd.Flags().BoolVar(&xml, "xml", false, "print the S3 API XML instead of JSON")
	return cmd
}
