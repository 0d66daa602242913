package bucketinit

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

func versioning(ctx context.Context, api API, c Config) (Outcome, string, error) {
	cur, err := api.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: &c.Bucket})
	if err != nil {
		return Failed, "", fmt.Errorf("get versioning: %w", err)
	}
	if cur.Status == types.BucketVersioningStatusEnabled {
		return AlreadySet, "enabled", nil
	}
	if _, err := api.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: &c.Bucket,
		VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusEnabled}}); err != nil {
		return Failed, "", fmt.Errorf("put versioning: %w", err)
	}
	return Applied, fmt.Sprintf("enabled (was %q)", string(cur.Status)), nil
}
