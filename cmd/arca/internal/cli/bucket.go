package cli

import (
	"context"
	"strings"

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
