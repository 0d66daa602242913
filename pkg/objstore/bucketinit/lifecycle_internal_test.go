package bucketinit

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/require"
)

// No S3 server these tests run implements lifecycle (versitygw answers
// 501), so the comparison that decides "already set" is tested alone: the
// same rules in another order, spelt as a server may answer, are the same;
// a changed day is not.
func TestSameRulesIgnoresOrderAndSpelling(t *testing.T) {
	t.Parallel()
	abort := types.LifecycleRule{ID: aws.String("arca-abort"), Status: types.ExpirationStatusEnabled,
		Filter:                         &types.LifecycleRuleFilter{Prefix: aws.String("prod/")},
		AbortIncompleteMultipartUpload: &types.AbortIncompleteMultipartUpload{DaysAfterInitiation: aws.Int32(7)}}
	archive := types.LifecycleRule{ID: aws.String("arca-full-archive"), Status: types.ExpirationStatusEnabled,
		Filter:      &types.LifecycleRuleFilter{And: &types.LifecycleRuleAndOperator{Prefix: aws.String("prod/full/"), ObjectSizeGreaterThan: aws.Int64(8 << 20)}},
		Transitions: []types.Transition{{Days: aws.Int32(37), StorageClass: types.TransitionStorageClassDeepArchive}}}
	want := []types.LifecycleRule{abort, archive}

	legacy := abort
	legacy.Filter, legacy.Prefix = nil, aws.String("prod/") //nolint:staticcheck // how older servers answer
	require.True(t, sameRules([]types.LifecycleRule{archive, legacy}, want))

	later := archive
	later.Transitions = []types.Transition{{Days: aws.Int32(38), StorageClass: types.TransitionStorageClassDeepArchive}}
	require.False(t, sameRules([]types.LifecycleRule{abort, later}, want))
	require.False(t, sameRules([]types.LifecycleRule{abort}, want))
	require.True(t, sameRules(nil, nil))
}
