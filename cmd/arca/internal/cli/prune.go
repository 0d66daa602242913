package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/arcabackup/arca/cmd/arca/internal/stack"
	"github.com/arcabackup/arca/pkg/retention/prune"
)

func (a *app) pruneCmd() *cobra.Command {
	var dry bool
	var only string
	cmd := command("prune", cobra.NoArgs,
		"Delete backups past retention; never the newest verified of a tenant, nor anything held or locked",
		func(ctx context.Context, _ []string) error {
			runs, err := stack.Prune(ctx, a.cfg, dry, only)
			a.show(prune.Reports{Runs: runs, PerDestination: len(a.cfg.Destinations()) > 1})
			return usage(err)
		})
	cmd.Flags().BoolVar(&dry, "dry-run", false, "list what would go and why; delete nothing")
	cmd.Flags().StringVar(&only, "destination", "", "prune only this destination (store.destinations; default every one)")
	return cmd
}

func (a *app) lifecycleCmd() *cobra.Command {
	var apply, xml bool
	cmd := command("lifecycle", cobra.NoArgs,
		"Print (or with --apply set) the S3 lifecycle rules derived from the retention policy",
		func(ctx context.Context, _ []string) error {
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
			return usage(stack.ApplyLifecycle(ctx, a.cfg, conf))
		})
	cmd.Flags().BoolVar(&apply, "apply", false, "set the rules on the bucket")
	cmd.Flags().BoolVar(&xml, "xml", false, "print the S3 API XML instead of JSON")
	return cmd
}
