package cli

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/arcabackup/arca/cmd/arca/internal/stack"
)

func (a *app) drillCmd() *cobra.Command {
	var o stack.DrillOptions
	cmd := command("drill", cobra.NoArgs,
		"Restore the newest backups of a sample of tenants into scratch databases and check them",
		func(ctx context.Context, _ []string) error {
			return a.print(stack.Drill(ctx, a.cfg, o, a.log))
		})
	cmd.Flags().StringSliceVar(&o.Tenants, "tenants", nil, "tenants to draw from (default: every tenant)")
	cmd.Flags().IntVar(&o.Sample, "sample", 0, "restore this many, chosen at random (0: all)")
	cmd.Flags().StringVar(&o.AdminURL, "admin-url", "", "cluster for the scratch databases (default: the source)")
	return cmd
}
