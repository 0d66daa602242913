package lifecycle_test

import (
	"context"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/retention"
	"github.com/arcabackup/arca/pkg/retention/lifecycle"
)

var update = flag.Bool("update", false, "rewrite the testdata/*.golden files")

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		require.NoError(t, os.WriteFile(path, got, 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test -update to create it")
	require.Equal(t, string(want), string(got))
}

func TestDeriveDefaultPolicyGolden(t *testing.T) {
	t.Parallel()
	c, notes := lifecycle.Derive(retention.DefaultPolicy(), lifecycle.Options{Prefix: "prod/"})
	require.Empty(t, notes)
	j, err := c.JSON()
	require.NoError(t, err)
	golden(t, "default.json.golden", j)
	x, err := c.XML()
	require.NoError(t, err)
	golden(t, "default.xml.golden", x)
}

func TestDeriveExpirationGolden(t *testing.T) {
	t.Parallel()
	p := retention.DefaultPolicy()
	p.Kinds["audit"] = retention.KindPolicy{KeepDays: 30, Yearly: retention.Slots{Count: 10}}
	p.Holds = []retention.Hold{{Tenant: "bolt", Reason: "case 2026-017"}}
	archive := map[string]string{"tenant": "STANDARD_IA", "base": "GLACIER", "full": "DEEP_ARCHIVE"}
	c, notes := lifecycle.Derive(p, lifecycle.Options{Expire: true, Archive: archive})
	require.Equal(t, []string{
		"no expiration for kind audit: GFS counts without within_days keep backups for ever",
		"kind base expires after 37 days, the newest verified backup included",
		"no GLACIER archive for kind base: it expires first",
		"kind full expires after 2562 days, the newest verified backup included",
		"no expiration for kind tenant: a legal hold covers it",
	}, notes)
	j, err := c.JSON()
	require.NoError(t, err)
	golden(t, "expire.json.golden", j)
}

// fakeS3 records the lifecycle put and answers the get with rules.
type fakeS3 struct {
	rules  []types.LifecycleRule
	getErr error
	put    *s3.PutBucketLifecycleConfigurationInput
}

func (f *fakeS3) GetBucketLifecycleConfiguration(_ context.Context, in *s3.GetBucketLifecycleConfigurationInput, _ ...func(*s3.Options)) (*s3.GetBucketLifecycleConfigurationOutput, error) {
	if f.getErr != nil {
		return nil, f.getErr
	}
	return &s3.GetBucketLifecycleConfigurationOutput{Rules: f.rules}, nil
}

func (f *fakeS3) PutBucketLifecycleConfiguration(_ context.Context, in *s3.PutBucketLifecycleConfigurationInput, _ ...func(*s3.Options)) (*s3.PutBucketLifecycleConfigurationOutput, error) {
	f.put = in
	return &s3.PutBucketLifecycleConfigurationOutput{}, nil
}

func TestApplyReplacesOwnRulesAndKeepsOthers(t *testing.T) {
	t.Parallel()
	api := &fakeS3{rules: []types.LifecycleRule{
		{ID: aws.String("logs-expire"), Status: types.ExpirationStatusEnabled},
		{ID: aws.String("arca-old-rule"), Status: types.ExpirationStatusEnabled},
	}}
	c, _ := lifecycle.Derive(retention.DefaultPolicy(), lifecycle.Options{Prefix: "prod"})
	require.NoError(t, lifecycle.Apply(t.Context(), api, "backups", c))

	require.Equal(t, "backups", aws.ToString(api.put.Bucket))
	var ids []string
	for _, r := range api.put.LifecycleConfiguration.Rules {
		ids = append(ids, aws.ToString(r.ID))
	}
	require.Equal(t, []string{"logs-expire", "arca-abort-incomplete-uploads", "arca-full-archive", "arca-tenant-archive"}, ids)
	abort := api.put.LifecycleConfiguration.Rules[1]
	require.Equal(t, "prod/", aws.ToString(abort.Filter.Prefix))
	require.EqualValues(t, 7, aws.ToInt32(abort.AbortIncompleteMultipartUpload.DaysAfterInitiation))
	full := api.put.LifecycleConfiguration.Rules[2]
	require.Equal(t, "prod/full/", aws.ToString(full.Filter.And.Prefix))
	require.EqualValues(t, lifecycle.DefaultMinArchiveSize, aws.ToInt64(full.Filter.And.ObjectSizeGreaterThan))
	require.Equal(t, []types.Transition{{Days: aws.Int32(37), StorageClass: types.TransitionStorageClassDeepArchive}}, full.Transitions)
}

func TestApplyToBucketWithoutRules(t *testing.T) {
	t.Parallel()
	api := &fakeS3{getErr: &smithy.GenericAPIError{Code: "NoSuchLifecycleConfiguration"}}
	c, _ := lifecycle.Derive(retention.DefaultPolicy(), lifecycle.Options{Expire: true})
	require.NoError(t, lifecycle.Apply(t.Context(), api, "backups", c))
	rules := api.put.LifecycleConfiguration.Rules
	require.Len(t, rules, len(c.Rules))
	require.Equal(t, "arca-base-expire", aws.ToString(rules[1].ID))
	require.EqualValues(t, 37, aws.ToInt32(rules[1].Expiration.Days))
	require.EqualValues(t, 1, aws.ToInt32(rules[1].NoncurrentVersionExpiration.NoncurrentDays))
}

func TestApplyReportsServerWithoutLifecycle(t *testing.T) {
	t.Parallel()
	api := &fakeS3{getErr: &smithy.GenericAPIError{Code: "NotImplemented"}}
	c, _ := lifecycle.Derive(retention.DefaultPolicy(), lifecycle.Options{})
	err := lifecycle.Apply(t.Context(), api, "backups", c)
	var apiErr smithy.APIError
	require.True(t, errors.As(err, &apiErr))
	require.Equal(t, "NotImplemented", apiErr.ErrorCode())
	require.Nil(t, api.put, "nothing is put when the current rules are unknown")
}
