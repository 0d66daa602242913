package cli

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/arcabackup/arca/cmd/arca/internal/stack"
	"github.com/arcabackup/arca/pkg/tenancy"
)

func (a *app) tenancyCmd() *cobra.Command {
	var only string
	plan := command("plan", cobra.NoArgs,
		"Show every tenant's plan: each table's role and why, the rows it selects, shared and unowned rows, warnings",
		func(ctx context.Context, _ []string) error {
			return a.print(tenancy.InspectSource(ctx, a.cfg.Source.URL, stack.Tenancy(a.cfg), only))
		})
	plan.Flags().StringVar(&only, "tenant", "", "show only this tenant's tables")
	return group("tenancy", "Check how the tenancy configuration divides the database", plan)
}
