package bucketinit

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/arcabackup/arca/pkg/messages"
)

// ensureBucket creates the bucket when it is missing, with Object Lock
// enabled when a default retention is asked for (some servers allow it
// only at creation).
func ensureBucket(ctx context.Context, api API, c Config) (Outcome, string, error) {
	_, err := api.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: &c.Bucket})
	if err == nil {
		return AlreadySet, "exists", nil
	}
	if !notFound(err, "NotFound", "NoSuchBucket") {
		return Failed, messages.OneLine(err), fmt.Errorf("head bucket: %w", err)
	}
	in := &s3.CreateBucketInput{Bucket: &c.Bucket, ObjectLockEnabledForBucket: aws.Bool(c.ObjectLock != nil)}
	if c.Region != "" && c.Region != "us-east-1" {
		in.CreateBucketConfiguration = &types.CreateBucketConfiguration{LocationConstraint: types.BucketLocationConstraint(c.Region)}
	}
	if _, err := api.CreateBucket(ctx, in); err != nil {
		return Failed, messages.OneLine(err), fmt.Errorf("create bucket: %w", err)
	}
	if c.ObjectLock != nil {
		return Applied, "created with Object Lock enabled", nil
	}
	return Applied, "created", nil
}
