package stack

import (
	"time"

	"github.com/arcabackup/arca/cmd/arca/internal/config"
	"github.com/arcabackup/arca/pkg/objstore/bucketinit"
	"github.com/arcabackup/arca/pkg/retention/lifecycle"
)

// BucketInit is the bucket the configuration asks for (arca bucket init)
// before the operator's flags: store.s3's bucket, region, Object Lock mode
// and KMS key, Object Lock's default retention the shortest retention of
// the policy (so that nothing is held past it), the lifecycle rules
// derived from the policy (arca lifecycle).
func BucketInit(cfg config.Config) bucketinit.Options {
	s3c := cfg.Store.S3
	return bucketinit.Options{Bucket: s3c.Bucket, Region: s3c.Region, DefaultLockMode: s3c.ObjectLock,
		DefaultLockDays: shortestRetentionDays(cfg.Retention), KMSKeyID: s3c.SSEKMSKeyID,
		Lifecycle: LifecycleOf(cfg).SDKRules(), LifecyclePrefix: lifecycle.RulePrefix}
}

// shortestRetentionDays is the shortest retention of the kinds (30
// operational days by default), at least 1.
func shortestRetentionDays(r config.Retention) int {
	days := func(d config.Duration) int { return int(time.Duration(d) / (24 * time.Hour)) }
	out := days(r.Operational)
	if t := days(r.TenantExport); t > 0 && (out == 0 || t < out) {
		out = t
	}
	return max(out, 1)
}
