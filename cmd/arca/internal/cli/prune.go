package cli

import (
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/arcabackup/arca/cmd/arca/internal/config"
	"github.com/arcabackup/arca/cmd/arca/internal/stack"
	"github.com/arcabackup/arca/pkg/objstore/s3store"
	"github.com/arcabackup/arca/pkg/retention"
	"github.com/arcabackup/arca/pkg/retention/lifecycle"
	"github.com/arcabackup/arca/pkg/retention/prune"
	"github.com/arcabackup/arca/pkg/wal"
)

// policy maps the configuration onto the retention policy: tenant exports
// kept tenant_export days, full and base backups operational days, and one
// full a week for the health-data period.
func policy(c config.Config) retention.Policy {
	days := func(d config.Duration) int { return int(time.Duration(d) / (24 * time.Hour)) }
	p := retention.DefaultPolicy()
	p.Kinds["tenant"] = retention.KindPolicy{KeepDays: days(c.Retention.TenantExport)}
	p.Kinds["full"] = retention.KindPolicy{KeepDays: days(c.Retention.Operational), Weekly: retention.Slots{WithinDays: days(c.Retention.Health)}}
	p.Kinds["base"] = retention.KindPolicy{KeepDays: days(c.Retention.Operational)}
	for _, h := range c.Retention.Holds {
		p.Holds = append(p.Holds, retention.Hold{Tenant: h.Tenant, Kind: h.Kind, Reason: h.Reason})
	}
	return p
}

func (a *app) pruneCmd() *cobra.Command {
	var dry bool
	cmd := &cobra.Command{
		Use:   "prune",
		Short: "Delete backups past retention; never the newest verified of a tenant, nor anything held or locked",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			store, keys, err := a.openBucket(ctx)
			if err != nil {
				return err
			}
			p, err := prune.New(store, prune.Config{Layout: stack.Layout(a.cfg), Keys: keys, Policy: policy(a.cfg),
				WAL: walPruner{cfg: wal.Config{Store: store, Layout: stack.Layout(a.cfg), Keys: keys}}})
			if err != nil {
				return usageError{err}
			}
			rep, err := p.Run(ctx, dry)
			a.emit(rep, func(w io.Writer) {
				for _, d := range rep.Deletions {
					fmt.Fprintf(w, "%-12s %s %s %s: %v\n", d.Outcome, d.Kind, d.Tenant, d.BackupID, d.Reasons)
				}
				for _, pr := range rep.Problems {
					fmt.Fprintf(w, "%-12s %s: %s\n", "skipped", pr.Key, OneLine(errors.New(pr.Error)))
				}
				for _, u := range rep.Uploads {
					fmt.Fprintf(w, "%-12s upload %s (%s, initiated %s)", u.Outcome, u.Key, u.Reason, u.Initiated.UTC().Format(time.RFC3339))
					if u.Error != "" {
						fmt.Fprintf(w, ": %s", u.Error)
					}
					fmt.Fprintln(w)
				}
				fmt.Fprintf(w, "%d multipart uploads that can never complete; %d of backups in progress left alone\n", len(rep.Uploads), rep.UploadsKept)
				fmt.Fprintf(w, "%d backups: %d kept, %d deleted, %d locked, %d failed; %s freed (dry run: %v)\n",
					rep.Backups, rep.Kept, rep.Deleted, rep.Locked, rep.Failed, human(rep.BytesFreed), rep.DryRun)
			})
			return err
		},
	}
	cmd.Flags().BoolVar(&dry, "dry-run", false, "list what would go and why; delete nothing")
	return cmd
}

func (a *app) lifecycleCmd() *cobra.Command {
	var apply, xml bool
	cmd := &cobra.Command{
		Use:   "lifecycle",
		Short: "Print (or with --apply set) the S3 lifecycle rules derived from the retention policy",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			conf, notes := lifecycle.Derive(policy(a.cfg), lifecycle.Options{Prefix: a.cfg.Store.Prefix, Archive: lifecycle.DefaultArchive()})
			doc, err := conf.JSON()
			if xml {
				doc, err = conf.XML()
			}
			if err != nil {
				return err
			}
			fmt.Fprintln(a.out, string(doc))
			for _, n := range notes {
				fmt.Fprintln(a.errOut, "note:", n)
			}
			if !apply {
				return nil
			}
			if a.cfg.Store.Kind != "s3" {
				return usageError{fmt.Errorf("--apply needs store.kind s3")}
			}
			store, err := stack.Store(ctx, a.cfg)
			if err != nil {
				return err
			}
			return lifecycle.Apply(ctx, store.(*s3store.Store).Client(), a.cfg.Store.S3.Bucket, conf)
		},
	}
	cmd.Flags().BoolVar(&apply, "apply", false, "set the rules on the bucket")
	cmd.Flags().BoolVar(&xml, "xml", false, "print the S3 API XML instead of JSON")
	return cmd
}
