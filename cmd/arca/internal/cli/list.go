package cli

import (
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/spf13/cobra"
)

func (a *app) listCmd() *cobra.Command {
	var tenant string
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the backups in the bucket (newest first), with their verification",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			store, keys, err := a.openBucket(ctx)
			if err != nil {
				return err
			}
			repo := a.repo(store, keys)
			prefixes := repo.Layout.Folders()
			if tenant != "" {
				prefixes = []string{repo.Layout.TenantPrefix(tenant)}
			}
			// One refused manifest does not hide the others: each is
			// reported on one line naming its key, and the exit code is 3.
			found, err := repo.List(ctx, prefixes...)
			if err != nil {
				return err
			}
			refused := found.Refused
			all := found.Backups
			type row struct {
				BackupID   string `json:"backup_id"`
				Kind       string `json:"kind"`
				Tenant     string `json:"tenant,omitempty"`
				Created    string `json:"created_at"`
				Bytes      int64  `json:"bytes"`
				PlainBytes int64  `json:"plain_bytes"`
				Verified   string `json:"verified"`
				Manifest   string `json:"manifest_key"`
			}
			var rows []row
			for _, e := range all {
				v := "pending"
				switch {
				case e.VerificationErr != nil:
					v, refused = "refused", append(refused, e.VerificationErr)
				case e.Verification != nil:
					v = fmt.Sprint(e.Verification.Verified)
				}
				m := e.Manifest
				rows = append(rows, row{m.BackupID, m.Kind, m.Tenant, m.CreatedAt.Format("2006-01-02 15:04:05Z"), m.Object.Size, m.PlainSize, v, e.Key})
			}
			a.emit(rows, func(w io.Writer) {
				tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
				fmt.Fprintln(tw, "BACKUP\tKIND\tTENANT\tCREATED\tSTORED\tRAW\tVERIFIED")
				for _, r := range rows {
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.BackupID, r.Kind, r.Tenant, r.Created, human(r.Bytes), human(r.PlainBytes), r.Verified)
				}
				tw.Flush()
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
	return cmd
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
