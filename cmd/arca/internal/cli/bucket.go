package cli

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/arcabackup/arca/cmd/arca/internal/stack"
	"github.com/arcabackup/arca/pkg/objstore/bucketinit"
)

func (a *app) bucketCmd() *cobra.Command {
	var policiesDir string
	var o bucketinit.Options
	initCmd := &cobra.Command{
		Use:   "init",
		Short: "Create or check the bucket: versioning, Object Lock, lifecycle, encryption, public access blocked; write the IAM policies",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			res, err := stack.InitBucket(cmd.Context(), a.cfg, o, policiesDir)
			if err != nil {
				return usage(err)
			}
			a.emit(res, func(w io.Writer) {
				t := newTable(w, "SETTING\tOUTCOME\tREQUIRED\tDETAIL")
				for _, r := range res.Results {
					t.row(r.Setting, r.Outcome.Text(), r.Required, r.Detail)
				}
				t.flush()
				for _, p := range res.Policies {
					fmt.Fprintln(w, "wrote", p)
				}
			})
			if err := res.Err(); err != nil {
				return fmt.Errorf("%w (--optional to accept)", err)
			}
			return nil
		},
	}
	f := initCmd.Flags()
	f.StringVar(&policiesDir, "policies", "arca-policies", "directory to write the IAM policy documents to (\"\": none)")
	f.StringVar(&o.LockMode, "lock-mode", "", "Object Lock default retention mode, GOVERNANCE or COMPLIANCE (default store.s3.object_lock, else GOVERNANCE)")
	f.IntVar(&o.LockDays, "lock-days", 0, "Object Lock default retention in days (default: the shortest retention of the policy)")
	f.BoolVar(&o.NoObjectLock, "no-object-lock", false, "leave Object Lock alone")
	f.StringVar(&o.SSE, "sse", "", "default encryption: AES256 or aws:kms (default aws:kms with store.s3.sse_kms_key_id, else AES256)")
	f.StringSliceVar(&o.Optional, "optional", nil, "settings that may be unsupported or refused: "+strings.Join(bucketinit.OptionalSettings, ", "))
	cmd := &cobra.Command{Use: "bucket", Short: "The bucket backups go to"}
	cmd.AddCommand(initCmd)
	return cmd
}
