package lifecycle

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
)

// API is the part of the S3 client Apply uses; *s3.Client (from
// s3store.Store.Client) satisfies it.
type API interface {
	GetBucketLifecycleConfiguration(ctx context.Context, in *s3.GetBucketLifecycleConfigurationInput, opts ...func(*s3.Options)) (*s3.GetBucketLifecycleConfigurationOutput, error)
	PutBucketLifecycleConfiguration(ctx context.Context, in *s3.PutBucketLifecycleConfigurationInput, opts ...func(*s3.Options)) (*s3.PutBucketLifecycleConfigurationOutput, error)
}

// Apply sets the bucket's lifecycle rules to c's, replacing the rules
// whose id starts with RulePrefix and keeping the others. Servers without
// lifecycle support answer with an error (NotImplemented).
func Apply(ctx context.Context, api API, bucket string, c Configuration) error {
	var rules []types.LifecycleRule
	cur, err := api.GetBucketLifecycleConfiguration(ctx, &s3.GetBucketLifecycleConfigurationInput{Bucket: &bucket})
	var apiErr smithy.APIError
	switch {
	case errors.As(err, &apiErr) && apiErr.ErrorCode() == "NoSuchLifecycleConfiguration":
	case err != nil:
		return fmt.Errorf("apply lifecycle to bucket %s: %w", bucket, err)
	default:
		for _, r := range cur.Rules {
			if !strings.HasPrefix(aws.ToString(r.ID), RulePrefix) {
				rules = append(rules, r)
			}
		}
	}
	for _, r := range c.Rules {
		rules = append(rules, r.sdk())
	}
	_, err = api.PutBucketLifecycleConfiguration(ctx, &s3.PutBucketLifecycleConfigurationInput{
		Bucket:                 &bucket,
		LifecycleConfiguration: &types.BucketLifecycleConfiguration{Rules: rules},
	})
	if err != nil {
		return fmt.Errorf("apply lifecycle to bucket %s: %w", bucket, err)
	}
	return nil
}

// sdk converts the rule to the SDK's type.
func (r Rule) sdk() types.LifecycleRule {
	out := types.LifecycleRule{ID: aws.String(r.ID), Status: types.ExpirationStatus(r.Status), Filter: &types.LifecycleRuleFilter{}}
	if r.Filter.And != nil {
		out.Filter.And = &types.LifecycleRuleAndOperator{
			Prefix: aws.String(r.Filter.And.Prefix), ObjectSizeGreaterThan: aws.Int64(r.Filter.And.ObjectSizeGreaterThan),
		}
	} else {
		out.Filter.Prefix = aws.String(r.Filter.Prefix)
	}
	for _, t := range r.Transitions {
		out.Transitions = append(out.Transitions, types.Transition{
			Days: aws.Int32(int32(t.Days)), StorageClass: types.TransitionStorageClass(t.StorageClass),
		})
	}
	if r.Expiration != nil {
		out.Expiration = &types.LifecycleExpiration{Days: aws.Int32(int32(r.Expiration.Days))}
	}
	if r.NoncurrentVersionExpiration != nil {
		out.NoncurrentVersionExpiration = &types.NoncurrentVersionExpiration{
			NoncurrentDays: aws.Int32(int32(r.NoncurrentVersionExpiration.NoncurrentDays)),
		}
	}
	if r.AbortIncompleteMultipartUpload != nil {
		out.AbortIncompleteMultipartUpload = &types.AbortIncompleteMultipartUpload{
			DaysAfterInitiation: aws.Int32(int32(r.AbortIncompleteMultipartUpload.DaysAfterInitiation)),
		}
	}
	return out
}
