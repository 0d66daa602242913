package s3store_test

import (
	"testing"

	"github.com/arcabackup/arca/pkg/objstore"
	"github.com/arcabackup/arca/pkg/objstore/s3store"
	"github.com/arcabackup/arca/pkg/objstore/storetest"
)

// reopen is another process on the same bucket: a new client, new
// connections, nothing shared.
func reopen(t *testing.T, s objstore.Store) objstore.Store {
	cfg := s.(*s3store.Store).Config()
	cfg.Limiter, cfg.Observer = nil, nil
	return open(t, cfg)
}

// versitygw (posix backend) keeps tags, Object Lock and SHA-256 checksums
// (composite for multipart objects); see TestVersityGWStorageClasses.
var versityFeatures = storetest.Features{
	Reopen:     reopen,
	Tags:       true,
	ObjectLock: true,
}

func TestConformanceObjectLockBucket(t *testing.T) {
	storetest.Run(t, func(t *testing.T) objstore.Store {
		return newSetup(t, true).store
	}, versityFeatures)
}

func TestConformancePlainBucketWithPrefix(t *testing.T) {
	f := versityFeatures
	f.ObjectLock = false
	storetest.Run(t, func(t *testing.T) objstore.Store {
		return newSetup(t, false, func(c *s3store.Config) { c.Prefix = "prod"; c.ListPageSize = 2 }).store
	}, f)
}
