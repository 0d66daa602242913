package cli

import (
	"io"

	"github.com/spf13/cobra"

	"github.com/arcabackup/arca/cmd/arca/internal/stack"
)

func (a *app) listCmd() *cobra.Command {
	var tenant, destination string
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the backups in the bucket (newest first), with their verification; --destination: in another destination",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			// One refused manifest does not hide the others: each is
			// reported on one line naming its key, and the exit code is 3.
			found, err := stack.ListBackups(cmd.Context(), a.cfg, destination, tenant)
			if err != nil {
				return usage(err)
			}
			rows, refused := found.Rows()
			a.emit(rows, func(w io.Writer) {
				t := newTable(w, "BACKUP\tKIND\tTENANT\tCREATED\tSTORED\tRAW\tVERIFIED")
				for _, r := range rows {
					t.row(r.BackupID, r.Kind, r.Tenant, r.Created.Format("2006-01-02 15:04:05Z"), human(r.Bytes), human(r.PlainBytes), r.VerifiedText())
				}
				t.flush()
			})
			return a.refused(refused)
		},
	}
	cmd.Flags().StringVar(&tenant, "tenant", "", "only this tenant's backups")
	cmd.Flags().StringVar(&destination, "destination", "", "list this destination's copies and their verification there (store.destinations; default the primary)")
	return cmd
}
