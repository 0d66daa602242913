package cli

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/arcabackup/arca/cmd/arca/internal/stack"
	"github.com/arcabackup/arca/pkg/texttable"
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

func (a *app) infoCmd() *cobra.Command {
	var tenant string
	cmd := command("info", cobra.NoArgs,
		"Summarise the backups in each destination per tenant and kind: counts, ages, verification, copies missing",
		func(ctx context.Context, _ []string) error {
			// As arca list: a refused manifest is reported and skipped. A
			// destination that cannot be listed is reported too; the
			// others are still summed up.
			got, err := stack.Survey(ctx, a.cfg, tenant, time.Now().UTC())
			if err != nil {
				return err
			}
			a.emit(got.Rows, func(w io.Writer) { got.WriteText(w, stack.BucketName(a.cfg)) })
			rerr := a.refused(got.Refused)
			for _, err := range got.Failed {
				fmt.Fprintln(a.errOut, "arca: not read:", OneLine(err))
			}
			if rerr != nil {
				return rerr
			}
			if len(got.Failed) > 0 {
				return fmt.Errorf("%d destinations could not be read (listed above)", len(got.Failed))
			}
			return nil
		})
	cmd.Flags().StringVar(&tenant, "tenant", "", "only this tenant")
	return cmd
}

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
