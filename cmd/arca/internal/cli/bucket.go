package cli

import (
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/spf13/cobra"

	"github.com/arcabackup/arca/cmd/arca/internal/config"
	"github.com/arcabackup/arca/cmd/arca/internal/grants"
	"github.com/arcabackup/arca/cmd/arca/internal/stack"
	"github.com/arcabackup/arca/pkg/objstore/bucketinit"
	"github.com/arcabackup/arca/pkg/objstore/s3store"
	"github.com/arcabackup/arca/pkg/retention/lifecycle"
)

// bucketInitResult is what `arca bucket init --json` prints.
type bucketInitResult struct {
	bucketinit.Report
	OK bool `json:"ok"`
	// Policies are the files written, by path.
	Policies []string `json:"policies"`
}

func (a *app) bucketCmd() *cobra.Command {
	var (
		policiesDir, lockMode, sse string
		lockDays                   int
		optional                   []string
		noLock                     bool
	)
	initCmd := &cobra.Command{
		Use:   "init",
		Short: "Create or check the bucket: versioning, Object Lock, lifecycle, encryption, public access blocked; write the IAM policies",
		Long: `Create the configured bucket, or check it, and bring each setting to what Arca needs: versioning,
Object Lock's default retention (the shortest retention of the policy, so prune can delete on time), the lifecycle
rules derived from the retention policy (arca lifecycle), default encryption (aws:kms with store.s3.sse_kms_key_id,
else AES256) and every public access blocked. Each setting is reported applied, already set, unsupported by this
server, or failed; the command exits 1 while a required setting is not in place (--optional names the ones that may
be missing). It then writes the least-privilege IAM policy of each service and the MFA-delete note to --policies.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			if a.cfg.Store.Kind != "s3" {
				return usageError{errors.New("arca bucket init needs store.kind s3")}
			}
			c, err := bucketConfig(a.cfg, lockMode, lockDays, noLock, sse, optional)
			if err != nil {
				return usageError{err}
			}
			store, err := stack.Store(ctx, a.cfg)
			if err != nil {
				return err
			}
			rep, err := bucketinit.Run(ctx, store.(*s3store.Store).Client(), c)
			if err != nil {
				return err
			}
			res := bucketInitResult{Report: rep, OK: rep.OK()}
			if policiesDir != "" {
				if res.Policies, err = writeBucketPolicies(policiesDir, c.Bucket, a.cfg.Store.Prefix); err != nil {
					return err
				}
			}
			a.emit(res, func(w io.Writer) {
				tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
				fmt.Fprintln(tw, "SETTING\tOUTCOME\tREQUIRED\tDETAIL")
				for _, r := range rep.Results {
					fmt.Fprintf(tw, "%s\t%s\t%v\t%s\n", r.Setting, strings.ReplaceAll(string(r.Outcome), "_", " "), r.Required, r.Detail)
				}
				tw.Flush()
				for _, p := range res.Policies {
					fmt.Fprintln(w, "wrote", p)
				}
			})
			if missing := rep.Missing(); len(missing) > 0 {
				var names []string
				for _, m := range missing {
					names = append(names, m.Setting+" ("+strings.ReplaceAll(string(m.Outcome), "_", " ")+")")
				}
				return fmt.Errorf("bucket %s: required settings not in place: %s (--optional to accept)", c.Bucket, strings.Join(names, ", "))
			}
			return nil
		},
	}
	initCmd.Flags().StringVar(&policiesDir, "policies", "arca-policies", "directory to write the IAM policy documents to (\"\": none)")
	initCmd.Flags().StringVar(&lockMode, "lock-mode", "", "Object Lock default retention mode, GOVERNANCE or COMPLIANCE (default store.s3.object_lock, else GOVERNANCE)")
	initCmd.Flags().IntVar(&lockDays, "lock-days", 0, "Object Lock default retention in days (default: the shortest retention of the policy)")
	initCmd.Flags().BoolVar(&noLock, "no-object-lock", false, "leave Object Lock alone")
	initCmd.Flags().StringVar(&sse, "sse", "", "default encryption: AES256 or aws:kms (default aws:kms with store.s3.sse_kms_key_id, else AES256)")
	initCmd.Flags().StringSliceVar(&optional, "optional", nil, "settings that may be unsupported or refused: "+strings.Join(optionalSettings, ", "))
	cmd := &cobra.Command{Use: "bucket", Short: "The bucket backups go to"}
	cmd.AddCommand(initCmd)
	return cmd
}

var optionalSettings = []string{bucketinit.SettingVersioning, bucketinit.SettingObjectLock, bucketinit.SettingLifecycle,
	bucketinit.SettingEncryption, bucketinit.SettingPublicAccess}

// bucketConfig is the bucket Arca's configuration asks for.
func bucketConfig(cfg config.Config, lockMode string, lockDays int, noLock bool, sse string, optional []string) (bucketinit.Config, error) {
	s3c := cfg.Store.S3
	c := bucketinit.Config{Bucket: s3c.Bucket, Region: s3c.Region, Versioning: true, BlockPublicAccess: true,
		LifecyclePrefix: lifecycle.RulePrefix, Optional: map[string]bool{}}
	var errs []error
	for _, o := range optional {
		if !slices.Contains(optionalSettings, o) {
			errs = append(errs, fmt.Errorf("--optional %q: not one of %s", o, strings.Join(optionalSettings, ", ")))
		}
		c.Optional[o] = true
	}
	if !noLock {
		mode := bucketFirstSet(lockMode, s3c.ObjectLock, "GOVERNANCE")
		days := lockDays
		if days == 0 {
			days = shortestRetentionDays(cfg)
		}
		c.ObjectLock = &bucketinit.LockDefault{Mode: types.ObjectLockRetentionMode(strings.ToUpper(mode)), Days: int32(days)}
	}
	conf, _ := lifecycle.Derive(stack.Policy(cfg), lifecycle.Options{Prefix: cfg.Store.Prefix, Archive: lifecycle.DefaultArchive()})
	c.Lifecycle = conf.SDKRules()
	alg := sse
	if alg == "" {
		alg = "AES256"
		if s3c.SSEKMSKeyID != "" {
			alg = "aws:kms"
		}
	}
	c.Encryption = &bucketinit.Encryption{Algorithm: types.ServerSideEncryption(alg)}
	if alg != "AES256" {
		c.Encryption.KMSKeyID = s3c.SSEKMSKeyID
	}
	if err := c.Validate(); err != nil {
		errs = append(errs, err)
	}
	return c, errors.Join(errs...)
}

// shortestRetentionDays is the default retention Object Lock may hold
// every object for without keeping anything past the policy: the
// shortest retention of the kinds (30 operational days by default).
func shortestRetentionDays(cfg config.Config) int {
	days := func(d config.Duration) int { return int(time.Duration(d) / (24 * time.Hour)) }
	out := days(cfg.Retention.Operational)
	if t := days(cfg.Retention.TenantExport); t > 0 && (out == 0 || t < out) {
		out = t
	}
	return max(out, 1)
}

// bucketFirstSet is the first non-empty string.
func bucketFirstSet(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// writeBucketPolicies writes the IAM documents of grants.BucketInitPolicies
// and the MFA-delete note to dir.
func writeBucketPolicies(dir, bucket, prefix string) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("write policies: %w", err)
	}
	files := map[string][]byte{"MFA-DELETE.md": []byte(grants.MFADeleteNote)}
	for name, p := range grants.BucketInitPolicies(grants.Services(), bucket, prefix) {
		files[name] = grants.PolicyJSON(p)
	}
	var out []string
	for _, name := range slices.Sorted(maps.Keys(files)) {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, files[name], 0o644); err != nil {
			return out, fmt.Errorf("write policies: %w", err)
		}
		out = append(out, path)
	}
	return out, nil
}
