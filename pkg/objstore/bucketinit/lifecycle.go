package bucketinit

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// lifecycle replaces the rules whose id starts with LifecyclePrefix with
// c.Lifecycle, keeping the bucket's other rules, unless they already match.
func lifecycle(ctx context.Context, api API, c Config) (Outcome, string, error) {
	desc := fmt.Sprintf("%d rules %s*", len(c.Lifecycle), c.LifecyclePrefix)
	var keep, ours []types.LifecycleRule
	cur, err := api.GetBucketLifecycleConfiguration(ctx, &s3.GetBucketLifecycleConfigurationInput{Bucket: &c.Bucket})
	switch {
	case err != nil && !notFound(err, "NoSuchLifecycleConfiguration"):
		return Failed, "", fmt.Errorf("get lifecycle: %w", err)
	case err == nil:
		for _, r := range cur.Rules {
			if strings.HasPrefix(aws.ToString(r.ID), c.LifecyclePrefix) {
				ours = append(ours, r)
			} else {
				keep = append(keep, r)
			}
		}
	}
	if sameRules(ours, c.Lifecycle) {
		return AlreadySet, desc, nil
	}
	_, err = api.PutBucketLifecycleConfiguration(ctx, &s3.PutBucketLifecycleConfigurationInput{Bucket: &c.Bucket,
		LifecycleConfiguration: &types.BucketLifecycleConfiguration{Rules: append(keep, c.Lifecycle...)}})
	if err != nil {
		return Failed, "", fmt.Errorf("put lifecycle: %w", err)
	}
	if len(keep) > 0 {
		desc += fmt.Sprintf(", %d other rules kept", len(keep))
	}
	return Applied, desc, nil
}

// sameRules compares two rule sets by what a rule says, whatever the order
// and however the server spells an empty field.
func sameRules(a, b []types.LifecycleRule) bool {
	canon := func(rs []types.LifecycleRule) []string {
		out := make([]string, 0, len(rs))
		for _, r := range rs {
			out = append(out, ruleString(r))
		}
		slices.Sort(out)
		return out
	}
	return slices.Equal(canon(a), canon(b))
}

func ruleString(r types.LifecycleRule) string {
	var b strings.Builder
	fmt.Fprintf(&b, "id=%s status=%s", aws.ToString(r.ID), r.Status)
	prefix := aws.ToString(r.Prefix) //nolint:staticcheck // older servers answer with the rule's Prefix
	var size int64
	if f := r.Filter; f != nil {
		if f.Prefix != nil {
			prefix = aws.ToString(f.Prefix)
		}
		if f.And != nil {
			prefix, size = aws.ToString(f.And.Prefix), aws.ToInt64(f.And.ObjectSizeGreaterThan)
		}
		size = max(size, aws.ToInt64(f.ObjectSizeGreaterThan))
	}
	fmt.Fprintf(&b, " prefix=%s size>%d", prefix, size)
	for _, t := range r.Transitions {
		fmt.Fprintf(&b, " transition=%d:%s", aws.ToInt32(t.Days), t.StorageClass)
	}
	if e := r.Expiration; e != nil {
		fmt.Fprintf(&b, " expire=%d", aws.ToInt32(e.Days))
	}
	if n := r.NoncurrentVersionExpiration; n != nil {
		fmt.Fprintf(&b, " noncurrent=%d", aws.ToInt32(n.NoncurrentDays))
	}
	if a := r.AbortIncompleteMultipartUpload; a != nil {
		fmt.Fprintf(&b, " abort=%d", aws.ToInt32(a.DaysAfterInitiation))
	}
	return b.String()
}
