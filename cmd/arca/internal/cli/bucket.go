package cli

import (
	"context"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/arcabackup/arca/cmd/arca/internal/stack"
	"github.com/arcabackup/arca/pkg/objstore/bucketinit"
)

func (a *app) bucketCmd() *cobra.Command {
	var policiesDir string
	var o bucketinit.Options
	initCmd := command("init", cobra.NoArgs,
		"Create or check the bucket: versioning, Object Lock, lifecycle, encryption, public access blocked; write the IAM policies",
		func(ctx context.Context, _ []string) error {
			res, err := stack.InitBucket(ctx, a.cfg, o, policiesDir)
			return a.print(res, usage(err))
		})
	f := initCmd.Flags()
	f.StringVar(&policiesDir, "policies", "arca-policies", "directory to write the IAM policy documents to (\"\": none)")
	f.StringVar(&o.LockMode, "lock-mode", "", "Object Lock default retention mode, GOVERNANCE or COMPLIANCE (default store.s3.object_lock, else GOVERNANCE)")
	f.IntVar(&o.LockDays, "lock-days", 0, "Object Lock default retention in days (default: the shortest retention of the policy)")
	f.BoolVar(&o.NoObjectLock, "no-object-lock", false, "leave Object Lock alone")
	f.StringVar(&o.SSE, "sse", "", "default encryption: AES256 or aws:kms (default aws:kms with store.s3.sse_kms_key_id, else AES256)")
	f.StringSliceVar(&o.Optional, "optional", nil, "settings that may be unsupported or refused: "+strings.Join(bucketinit.OptionalSettings, ", "))
	return group("bucket", "The bucket backups go to", initCmd)
}

func (a *app) pruneCmd() *cobra.Command {
	var dry bool
	var only string
	cmd := command("prune", cobra.NoArgs,
		"Delete backups past retention; never the newest verified of a tenant, nor anything held or locked",
		func(ctx context.Context, _ []string) error {
			reps, err := stack.Prune(ctx, a.cfg, dry, only)
			a.show(reps)
			return usage(err)
		})
	cmd.Flags().BoolVar(&dry, "dry-run", false, "list what would go and why; delete nothing")
	cmd.Flags().StringVar(&only, "destination", "", "prune only this destination (store.destinations; default every one)")
	return cmd
}

func (a *app) lifecycleCmd() *cobra.Command {
	var apply, xml bool
	cmd := command("lifecycle", cobra.NoArgs,
		"Print (or with --apply set) the S3 lifecycle rules derived from the retention policy",
		func(ctx context.Context, _ []string) error {
			rules := stack.LifecycleOf(a.cfg)
			if err := rules.WriteDocument(a.out, a.errOut, xml); err != nil || !apply {
				return err
			}
			return usage(rules.Apply(ctx, a.cfg))
		})
	cmd.Flags().BoolVar(&apply, "apply", false, "set the rules on the bucket")
	cmd.Flags().BoolVar(&xml, "xml", false, "print the S3 API XML instead of JSON")
	return cmd
}

func (a *app) costCmd() *cobra.Command {
	var from, pricesPath string
	cmd := command("cost", cobra.NoArgs,
		"What the bucket costs a month, per tenant, kind and storage class, and next month from the growth",
		func(ctx context.Context, _ []string) error {
			rep, err := stack.Cost(ctx, a.cfg, time.Now().UTC(), from, pricesPath)
			if err != nil {
				return usage(err)
			}
			a.show(rep)
			rep.WriteUnpriced(a.errOut)
			return nil
		})
	cmd.Flags().StringVar(&from, "from", "", "where stored bytes come from: catalog or bucket (default: the catalog when configured)")
	cmd.Flags().StringVar(&pricesPath, "prices", "", "price table, YAML or JSON, over the plan's defaults")
	return cmd
}
