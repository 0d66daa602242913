package cli

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/arcabackup/arca/cmd/arca/internal/stack"
	"github.com/arcabackup/arca/pkg/backup"
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
			found, err := a.listBackupsIn(cmd.Context(), destination, tenant)
			if err != nil {
				return err
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

// listBackupsIn reads every backup in one destination ("" the primary), or
// one tenant's, through the authenticated repository: refused manifests
// come back in Refused, for the caller to report, never as an error that
// hides the others.
func (a *app) listBackupsIn(ctx context.Context, destination, tenant string) (backup.Listing, error) {
	store, keys, err := a.openBucket(ctx)
	if err != nil {
		return backup.Listing{}, err
	}
	if destination != "" {
		d, ok := a.cfg.Destination(destination)
		if !ok {
			return backup.Listing{}, usageError{fmt.Errorf("--destination %q: no such destination (store.destinations)", destination)}
		}
		if store, err = stack.OpenDestination(ctx, d, nil); err != nil {
			return backup.Listing{}, err
		}
	}
	return a.repo(store, keys).ListTenant(ctx, tenant)
}
