package cli

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/arcabackup/arca/cmd/arca/internal/stack"
)

func (a *app) listCmd() *cobra.Command {
	var tenant, destination string
	cmd := command("list", cobra.NoArgs,
		"List the backups in the bucket (newest first), with their verification; --destination: in another destination",
		func(ctx context.Context, _ []string) error {
			// One refused manifest does not hide the others: each is
			// reported on one line naming its key, and the exit code is 3.
			found, err := stack.ListBackups(ctx, a.cfg, destination, tenant)
			if err != nil {
				return usage(err)
			}
			rows, refused := found.Rows()
			a.show(rows)
			return a.refused(refused)
		})
	cmd.Flags().StringVar(&tenant, "tenant", "", "only this tenant's backups")
	cmd.Flags().StringVar(&destination, "destination", "", "list this destination's copies and their verification there (store.destinations; default the primary)")
	return cmd
}
