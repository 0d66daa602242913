package stack_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/cmd/arca/internal/config"
	"github.com/arcabackup/arca/cmd/arca/internal/stack"
	"github.com/arcabackup/arca/pkg/retention/lifecycle"
)

// Object Lock's default retention is the shortest retention of the
// policy, so that it never holds a backup past it.
func TestBucketInitFromTheConfiguration(t *testing.T) {
	var cfg config.Config
	cfg.Store.S3.Bucket, cfg.Store.S3.Region, cfg.Store.S3.ObjectLock, cfg.Store.S3.SSEKMSKeyID = "b", "eu-west-1", "COMPLIANCE", "k1"
	day := config.Duration(24 * time.Hour)
	for _, c := range []struct {
		operational, tenant config.Duration
		want                int
	}{{30 * day, 90 * day, 30}, {30 * day, 7 * day, 7}, {0, 7 * day, 7}, {30 * day, 0, 30}, {0, 0, 1}} {
		cfg.Retention.Operational, cfg.Retention.TenantExport = c.operational, c.tenant
		o := stack.BucketInit(cfg)
		require.Equal(t, c.want, o.DefaultLockDays, "operational %v tenant %v", c.operational, c.tenant)
		require.Equal(t, "b", o.Bucket)
		require.Equal(t, "eu-west-1", o.Region)
		require.Equal(t, "COMPLIANCE", o.DefaultLockMode)
		require.Equal(t, "k1", o.KMSKeyID)
		require.Equal(t, lifecycle.RulePrefix, o.LifecyclePrefix)
		require.NotEmpty(t, o.Lifecycle)
	}
}
