package cli

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/arcabackup/arca/cmd/arca/internal/stack"
)

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
