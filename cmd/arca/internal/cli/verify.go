package cli

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/arcabackup/arca/cmd/arca/internal/stack"
	"github.com/arcabackup/arca/pkg/texttable"
)

func (a *app) verifyCmd() *cobra.Command {
	var tenant, destination string
	cmd := command("verify BACKUP-ID", cobra.ExactArgs(1),
		"Read a backup (tenant, full or base) back from the bucket and prove it against its manifest",
		func(ctx context.Context, args []string) error {
			res, where, err := stack.Verify(ctx, a.cfg, args[0], tenant, destination)
			if where == "" {
				return usage(err) // not read: no result to print
			}
			a.emit(res, func(w io.Writer) {
				if err == nil {
					fmt.Fprintf(w, "backup %s verified in destination %s: %d parts, %s sealed, %s raw, %d tables, in %s\n", res.BackupID, where,
						res.Parts, texttable.Bytes(res.ObjectBytes), texttable.Bytes(res.PlainBytes), len(res.Tables), res.Duration.Round(1e6))
				}
			})
			return err
		})
	cmd.Flags().StringVar(&tenant, "tenant", "", "the backup's tenant (searches only its folder)")
	cmd.Flags().StringVar(&destination, "destination", "", "verify the copy in this destination (store.destinations; default the primary)")
	return cmd
}
