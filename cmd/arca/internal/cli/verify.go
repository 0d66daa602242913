package cli

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	verifier "github.com/arcabackup/arca/services/verifier/stage"
)

func (a *app) verifyCmd() *cobra.Command {
	var tenant string
	cmd := &cobra.Command{
		Use:   "verify BACKUP-ID",
		Short: "Read a backup back from the bucket and prove it against its manifest",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			store, keys, err := a.openBucket(ctx)
			if err != nil {
				return err
			}
			e, err := a.selectBackup(ctx, store, args[0], tenant, false, "")
			if err != nil {
				return err
			}
			res, err := verifier.Verify(ctx, store, keys, e.Key)
			a.emit(res, func(w io.Writer) {
				if err == nil {
					fmt.Fprintf(w, "backup %s verified: %d parts, %s sealed, %s raw, %d tables, in %s\n",
						res.BackupID, res.Parts, human(res.ObjectBytes), human(res.PlainBytes), len(res.Tables), res.Duration.Round(1e6))
				}
			})
			return err
		},
	}
	cmd.Flags().StringVar(&tenant, "tenant", "", "the backup's tenant (speeds up the search)")
	return cmd
}
