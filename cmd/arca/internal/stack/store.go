package stack

import (
	"context"
	"fmt"
	"os"

	"github.com/arcabackup/arca/cmd/arca/internal/config"
	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/objstore"
	"github.com/arcabackup/arca/pkg/objstore/fsstore"
	"github.com/arcabackup/arca/pkg/objstore/s3store"
)

// Store opens the configured bucket.
func Store(ctx context.Context, cfg config.Config) (objstore.Store, error) {
	return ObservedStore(ctx, cfg, nil)
}

// ObservedStore opens the bucket with S3 retries and throttles reported to
// obs (metrics).
func ObservedStore(ctx context.Context, cfg config.Config, obs s3store.Observer) (objstore.Store, error) {
	switch cfg.Store.Kind {
	case "fs":
		return fsstore.New(cfg.Store.FS.Dir)
	case "s3":
		s3 := cfg.Store.S3
		return s3store.New(ctx, s3store.Config{
			Endpoint: s3.Endpoint, Region: s3.Region, Bucket: s3.Bucket, PathStyle: s3.PathStyle,
			AccessKey: os.Getenv(s3.AccessKeyEnv), SecretKey: os.Getenv(s3.SecretKeyEnv), Observer: obs,
		})
	}
	return nil, fmt.Errorf("store kind %q is not fs or s3", cfg.Store.Kind)
}

// Layout is the bucket layout under the configured prefix.
func Layout(cfg config.Config) backup.Layout { return backup.Layout{Prefix: cfg.Store.Prefix} }
