package cli

import (
	"context"
	"fmt"
	"io"
	"sort"
	"text/tabwriter"
	"time"

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
			refused := found.Refused
			all := found.Backups
			// Newest first across kinds, whatever prefix each came from.
			sort.SliceStable(all, func(i, j int) bool { return all[i].Manifest.CreatedAt.After(all[j].Manifest.CreatedAt) })
			var rows []listRow
			for _, e := range all {
				status, verified := e.Status(), (*bool)(nil)
				if e.VerificationErr != nil {
					refused = append(refused, e.VerificationErr)
				} else if e.Verification != nil {
					verified = &e.Verification.Verified
				}
				m := e.Manifest
				rows = append(rows, listRow{m.BackupID, m.Kind, m.Tenant, m.CreatedAt.UTC(), m.Object.Size, m.PlainSize, verified, status, e.Key})
			}
			a.emit(rows, func(w io.Writer) {
				tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
				fmt.Fprintln(tw, "BACKUP\tKIND\tTENANT\tCREATED\tSTORED\tRAW\tVERIFIED")
				for _, r := range rows {
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.BackupID, r.Kind, r.Tenant, r.Created.Format("2006-01-02 15:04:05Z"), human(r.Bytes), human(r.PlainBytes), r.verifiedText())
				}
				_ = tw.Flush() // terminal output: a failed write has no remedy
			})
			for _, err := range refused {
				fmt.Fprintln(a.errOut, "arca: skipped:", OneLine(err))
			}
			if len(refused) > 0 {
				return exitError{code: 3, err: fmt.Errorf("%d manifests or verifications refused (listed above)", len(refused))}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&tenant, "tenant", "", "only this tenant's backups")
	cmd.Flags().StringVar(&destination, "destination", "", "list this destination's copies and their verification there (store.destinations; default the primary)")
	return cmd
}

// listRow is one backup in arca list.
type listRow struct {
	BackupID   string    `json:"backup_id"`
	Kind       string    `json:"kind"`
	Tenant     string    `json:"tenant,omitempty"`
	Created    time.Time `json:"created_at"`
	Bytes      int64     `json:"bytes"`
	PlainBytes int64     `json:"plain_bytes"`
	Verified   *bool     `json:"verified"`     // null: not verified yet
	Status     string    `json:"verification"` // verified, failed, pending, refused
	Manifest   string    `json:"manifest_key"`
}

// verifiedText is the VERIFIED column: true, false, pending or refused.
func (r listRow) verifiedText() string {
	if r.Verified != nil {
		return fmt.Sprint(*r.Verified)
	}
	return r.Status
}

// human prints a byte count in binary units.
func human(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
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
	repo := a.repo(store, keys)
	if tenant != "" {
		return repo.List(ctx, repo.Layout.TenantPrefix(tenant))
	}
	return repo.List(ctx) // every folder

}
