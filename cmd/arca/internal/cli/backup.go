package cli

import (
	"context"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/arcabackup/arca/cmd/arca/internal/follow"
	"github.com/arcabackup/arca/cmd/arca/internal/stack"
	"github.com/arcabackup/arca/pkg/messages"
)

func (a *app) backupCmd() *cobra.Command {
	var wait bool
	var timeout time.Duration
	cmd := &cobra.Command{Use: "backup", Short: "Start backups now"}
	tenant := &cobra.Command{
		Use:   "tenant ID|all",
		Short: "Back up one tenant, or every tenant the tenants query returns",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			tenants, err := stack.Tenants(cmd.Context(), a.cfg, args[0])
			if err != nil {
				return err
			}
			return a.startBackups(cmd.Context(), messages.KindTenant, tenants, wait, timeout)
		},
	}
	full := &cobra.Command{
		Use:   "full",
		Short: "Dump the whole database (pg_dump --format=custom)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.startBackups(cmd.Context(), messages.KindFull, []string{""}, wait, timeout)
		},
	}
	for _, c := range []*cobra.Command{tenant, full} {
		c.Flags().BoolVar(&wait, "wait", false, "wait until every backup is verified")
		c.Flags().DurationVar(&timeout, "timeout", 30*time.Minute, "how long --wait waits")
	}
	cmd.AddCommand(tenant, full, a.backupBaseCmd())
	return cmd
}

// startBackups starts the backups and, with wait, follows them
// (follow.Run), printing each as it is queued and decided.
func (a *app) startBackups(ctx context.Context, kind messages.Kind, tenants []string, wait bool, timeout time.Duration) error {
	set, err := follow.Run(ctx, a.cfg, kind, tenants, follow.Options{Wait: wait, Timeout: timeout, Log: a.log, Line: a.newProgress(),
		Started: func(q stack.Queued) {
			if q.SkippedFor != "" {
				a.printf("skipped %s backup of %s: backup %s is in flight\n", kind, q.Tenant, q.SkippedFor)
			} else {
				a.printf("queued %s backup %s %s\n", kind, q.BackupID, q.Tenant)
			}
		},
		Decided: func(o *follow.Outcome) { a.printf("%-9s %s %s (%.1fs)\n", o.Status, o.BackupID, o.Tenant, o.Seconds) },
	})
	if err != nil {
		return err
	}
	if !wait {
		a.emit(set.Order, func(io.Writer) {})
		return nil
	}
	a.emit(set.Order, func(w io.Writer) { printOutcomes(w, set.Order) })
	if n := set.NotVerified(); n > 0 {
		return fmt.Errorf("%d of %d backups not verified", n, len(set.Order))
	}
	return nil
}

func printOutcomes(w io.Writer, order []*follow.Outcome) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "TENANT\tBACKUP\tTABLES\tROWS\tRAW\tSTORED\tSECONDS\tVERIFIED\t")
	var raw, stored int64
	for _, o := range order {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%s\t%s\t%.1f\t%v\t\n", o.Tenant, o.BackupID, o.Tables, o.Rows, human(o.PlainBytes), human(o.Bytes), o.Seconds, o.Status == "verified")
		raw += o.PlainBytes
		stored += o.Bytes
	}
	fmt.Fprintf(tw, "%d backups\t\t\t\t%s\t%s\t\t\t\n", len(order), human(raw), human(stored))
	_ = tw.Flush() // terminal output: a failed write has no remedy
	for _, o := range order {
		if o.Status != "verified" {
			fmt.Fprintf(w, "%s %s: %s: %s\n", o.Tenant, o.BackupID, o.Status, o.Reason)
		}
	}
}
