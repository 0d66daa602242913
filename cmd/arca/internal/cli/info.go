package cli

import (
	"fmt"
	"io"
	"sort"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
)

// infoRow is one tenant and kind in arca info: how many backups, the
// newest and oldest, and how their verification stands.
type infoRow struct {
	Tenant       string    `json:"tenant,omitempty"`
	Kind         string    `json:"kind"`
	Backups      int       `json:"backups"`
	Newest       string    `json:"newest_backup_id"`
	NewestAt     time.Time `json:"newest_at"`
	NewestAge    float64   `json:"newest_age_seconds"`
	NewestStatus string    `json:"newest_verification"` // verified, failed, pending
	OldestAt     time.Time `json:"oldest_at"`
	Verified     int       `json:"verified"`
	Failed       int       `json:"failed"`
	Pending      int       `json:"pending"`
	StoredBytes  int64     `json:"stored_bytes"`
}

func (a *app) infoCmd() *cobra.Command {
	var tenant string
	cmd := &cobra.Command{
		Use:   "info",
		Short: "Summarise the backups in the bucket per tenant and kind: counts, ages, verification",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			// As arca list: a refused manifest is reported and skipped.
			found, err := a.listBackups(cmd.Context(), tenant)
			if err != nil {
				return err
			}
			refused := found.Refused
			now := time.Now().UTC()
			byKey := map[[2]string]*infoRow{}
			for _, e := range found.Backups {
				m := e.Manifest
				r := byKey[[2]string{m.Tenant, m.Kind}]
				if r == nil {
					r = &infoRow{Tenant: m.Tenant, Kind: m.Kind}
					byKey[[2]string{m.Tenant, m.Kind}] = r
				}
				status := "pending"
				switch v := e.Verification; {
				case e.VerificationErr != nil:
					status, refused = "failed", append(refused, e.VerificationErr)
				case v != nil && v.Verified:
					status = "verified"
				case v != nil:
					status = "failed"
				}
				switch status {
				case "verified":
					r.Verified++
				case "failed":
					r.Failed++
				default:
					r.Pending++
				}
				r.Backups++
				r.StoredBytes += m.Object.Size
				if r.Newest == "" || m.CreatedAt.After(r.NewestAt) {
					r.Newest, r.NewestAt, r.NewestStatus = m.BackupID, m.CreatedAt.UTC(), status
					r.NewestAge = now.Sub(m.CreatedAt).Round(time.Second).Seconds()
				}
				if r.OldestAt.IsZero() || m.CreatedAt.Before(r.OldestAt) {
					r.OldestAt = m.CreatedAt.UTC()
				}
			}
			rows := make([]infoRow, 0, len(byKey))
			for _, r := range byKey {
				rows = append(rows, *r)
			}
			sort.Slice(rows, func(i, j int) bool {
				if rows[i].Kind != rows[j].Kind {
					return rows[i].Kind > rows[j].Kind // tenant, full, base
				}
				return rows[i].Tenant < rows[j].Tenant
			})
			a.emit(rows, func(w io.Writer) {
				if len(rows) == 0 {
					fmt.Fprintf(w, "no backups in %s\n", a.bucketName())
					return
				}
				tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
				fmt.Fprintln(tw, "TENANT\tKIND\tBACKUPS\tNEWEST\tAGE\tNEWEST IS\tVERIFIED\tFAILED\tPENDING\tOLDEST AGE\tSTORED")
				for _, r := range rows {
					t := r.Tenant
					if t == "" {
						t = "-"
					}
					fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\t%s\t%d\t%d\t%d\t%s\t%s\n", t, r.Kind, r.Backups, r.Newest,
						age(now.Sub(r.NewestAt)), r.NewestStatus, r.Verified, r.Failed, r.Pending, age(now.Sub(r.OldestAt)), human(r.StoredBytes))
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
	cmd.Flags().StringVar(&tenant, "tenant", "", "only this tenant")
	return cmd
}

// age is a duration as an operator reads it: 45s, 12m, 5h10m, 3d4h.
func age(d time.Duration) string {
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh%02dm", int(d.Hours()), int(d.Minutes())%60)
	}
	return fmt.Sprintf("%dd%dh", int(d.Hours())/24, int(d.Hours())%24)
}
