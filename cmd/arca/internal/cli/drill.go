package cli

import (
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/arcabackup/arca/cmd/arca/internal/stack"
	"github.com/arcabackup/arca/pkg/restore/drill"
)

func (a *app) drillCmd() *cobra.Command {
	var tenants []string
	var sample int
	var admin string
	cmd := &cobra.Command{
		Use:   "drill",
		Short: "Restore the newest backups of a sample of tenants into scratch databases and check them",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			repo, err := a.openRepo(ctx)
			if err != nil {
				return err
			}
			if len(tenants) == 0 {
				if tenants, err = stack.Tenants(ctx, a.cfg, "all"); err != nil {
					return err
				}
			}
			if admin == "" {
				admin = a.cfg.Source.URL
			}
			out, err := drill.RunAll(ctx, drill.Options{
				Config: drill.Config{AdminURL: admin, Tenants: tenants, Sample: sample, Keys: repo.Keys, Tenancy: stack.Tenancy(a.cfg)},
				Repo:   repo, FullAdminURL: a.cfg.Source.URL, PGRestore: stack.PGBin(a.cfg, "pg_restore"),
			})
			if err != nil {
				return err
			}
			rep, full := out.Tenants, out.Full
			a.emit(out, func(w io.Writer) {
				fmt.Fprint(w, rep.Summary())
				if full != nil {
					fmt.Fprintf(w, "full dump %s: passed %v, %d tables, %d rows, RTO %.1fs %s\n", full.BackupID, full.Passed, full.Tables, full.Rows, full.RTOSeconds, full.Reason)
				}
			})
			// Record the drill where a running system can see it; a drill
			// run with no NATS reachable still reports here.
			run := "manual-drill-" + rep.StartedAt.UTC().Format("20060102T150405Z")
			if err := stack.Publish(ctx, a.cfg, "drill", rep.Events(run)...); err != nil && !errors.Is(err, stack.ErrNoNATS) {
				a.log.Warn("drill not recorded on EVENTS", "err", err)
			}
			return out.Err()
		},
	}
	cmd.Flags().StringSliceVar(&tenants, "tenants", nil, "tenants to draw from (default: every tenant)")
	cmd.Flags().IntVar(&sample, "sample", 0, "restore this many, chosen at random (0: all)")
	cmd.Flags().StringVar(&admin, "admin-url", "", "cluster for the scratch databases (default: the source)")
	return cmd
}
