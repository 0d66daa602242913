package bucketinit_test

import (
	"bytes"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/objstore/bucketinit"
	"github.com/arcabackup/arca/pkg/teststack"
)

var gw *teststack.VersityGW

func TestMain(m *testing.M) { teststack.VersityGWMain(m, func(g *teststack.VersityGW) { gw = g }) }

func client() *s3.Client {
	return s3.New(s3.Options{
		Region: gw.Region, BaseEndpoint: aws.String(gw.Endpoint), UsePathStyle: true,
		Credentials: credentials.NewStaticCredentialsProvider(gw.AccessKey, gw.SecretKey, ""),
	})
}

// everything is every setting Arca asks of a bucket.
func everything(bucket string) bucketinit.Config {
	return bucketinit.Config{
		Bucket: bucket, Region: "us-east-1", Versioning: true,
		ObjectLock: &bucketinit.LockDefault{Mode: types.ObjectLockRetentionModeGovernance, Days: 30},
		Lifecycle: []types.LifecycleRule{{
			ID: aws.String("arca-abort-incomplete-uploads"), Status: types.ExpirationStatusEnabled,
			Filter:                         &types.LifecycleRuleFilter{Prefix: aws.String("prod/")},
			AbortIncompleteMultipartUpload: &types.AbortIncompleteMultipartUpload{DaysAfterInitiation: aws.Int32(7)},
		}},
		LifecyclePrefix:   "arca-",
		Encryption:        &bucketinit.Encryption{Algorithm: types.ServerSideEncryptionAes256},
		BlockPublicAccess: true,
	}
}

func outcomes(rep bucketinit.Report) map[string]bucketinit.Outcome {
	out := map[string]bucketinit.Outcome{}
	for _, r := range rep.Results {
		out[r.Setting] = r.Outcome
	}
	return out
}

// On versitygw v1.8.0 a new bucket gets versioning and Object Lock's
// default retention for real (a new object comes back locked), and the
// three settings the gateway does not implement are reported unsupported,
// never applied, which fails the report while they are required. A second
// run finds everything it set already set.
func TestInitCreatesTheBucketAndReportsWhatTheServerRefuses(t *testing.T) {
	t.Parallel()
	ctx, c, bucket := t.Context(), client(), "init-new"
	rep, err := bucketinit.Run(ctx, c, everything(bucket))
	require.NoError(t, err)
	require.Equal(t, map[string]bucketinit.Outcome{
		bucketinit.SettingBucket: bucketinit.Applied, bucketinit.SettingVersioning: bucketinit.AlreadySet,
		bucketinit.SettingObjectLock: bucketinit.Applied, bucketinit.SettingLifecycle: bucketinit.Unsupported,
		bucketinit.SettingEncryption: bucketinit.Unsupported, bucketinit.SettingPublicAccess: bucketinit.Unsupported,
	}, outcomes(rep), "%+v", rep.Results)
	require.False(t, rep.OK())
	require.Len(t, rep.Missing(), 3)

	// What the report says applied is on the server.
	v, err := c.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: &bucket})
	require.NoError(t, err)
	require.Equal(t, types.BucketVersioningStatusEnabled, v.Status)
	// versitygw enforces the default retention when a version is deleted
	// (it does not stamp it on the object: HeadObject shows none).
	put, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: &bucket, Key: aws.String("prod/y"), Body: bytes.NewReader([]byte("y"))})
	require.NoError(t, err)
	_, err = c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: &bucket, Key: aws.String("prod/y"), VersionId: put.VersionId})
	require.ErrorContains(t, err, "object lock", "a new version is under the default retention")

	again := everything(bucket)
	again.Optional = map[string]bool{bucketinit.SettingLifecycle: true, bucketinit.SettingEncryption: true, bucketinit.SettingPublicAccess: true}
	rep, err = bucketinit.Run(ctx, c, again)
	require.NoError(t, err)
	got := outcomes(rep)
	for _, s := range []string{bucketinit.SettingBucket, bucketinit.SettingVersioning, bucketinit.SettingObjectLock} {
		require.Equal(t, bucketinit.AlreadySet, got[s], s)
	}
	require.Equal(t, bucketinit.Unsupported, got[bucketinit.SettingEncryption])
	require.True(t, rep.OK(), "the unsupported settings were optional")
}

// A changed default retention is written, and read back as asked.
func TestInitChangesTheDefaultRetention(t *testing.T) {
	t.Parallel()
	ctx, c, bucket := t.Context(), client(), "init-retention"
	cfg := bucketinit.Config{Bucket: bucket, Versioning: true,
		ObjectLock: &bucketinit.LockDefault{Mode: types.ObjectLockRetentionModeGovernance, Days: 30}}
	_, err := bucketinit.Run(ctx, c, cfg)
	require.NoError(t, err)
	cfg.ObjectLock = &bucketinit.LockDefault{Mode: types.ObjectLockRetentionModeCompliance, Days: 45}
	rep, err := bucketinit.Run(ctx, c, cfg)
	require.NoError(t, err)
	require.Equal(t, bucketinit.Applied, outcomes(rep)[bucketinit.SettingObjectLock])
	require.True(t, rep.OK())
	got, err := c.GetObjectLockConfiguration(ctx, &s3.GetObjectLockConfigurationInput{Bucket: &bucket})
	require.NoError(t, err)
	require.Equal(t, types.ObjectLockRetentionModeCompliance, got.ObjectLockConfiguration.Rule.DefaultRetention.Mode)
	require.EqualValues(t, 45, aws.ToInt32(got.ObjectLockConfiguration.Rule.DefaultRetention.Days))
}

// An existing bucket made without Object Lock: versioning is turned on;
// Object Lock is reported as the server answers, and the report fails
// unless it really is in place.
func TestInitOnAnExistingBucketWithoutObjectLock(t *testing.T) {
	t.Parallel()
	ctx, c := t.Context(), client()
	bucket := gw.NewBucket(t, false)
	rep, err := bucketinit.Run(ctx, c, bucketinit.Config{Bucket: bucket, Versioning: true,
		ObjectLock: &bucketinit.LockDefault{Mode: types.ObjectLockRetentionModeGovernance, Days: 7}})
	require.NoError(t, err)
	got := outcomes(rep)
	require.Equal(t, bucketinit.AlreadySet, got[bucketinit.SettingBucket])
	require.Equal(t, bucketinit.Applied, got[bucketinit.SettingVersioning], "%+v", rep.Results)
	t.Logf("object lock on a bucket created without it: %+v", rep.Results[2])
	lock, lockErr := c.GetObjectLockConfiguration(ctx, &s3.GetObjectLockConfigurationInput{Bucket: &bucket})
	if got[bucketinit.SettingObjectLock] == bucketinit.Applied {
		require.NoError(t, lockErr)
		require.Equal(t, types.ObjectLockEnabledEnabled, lock.ObjectLockConfiguration.ObjectLockEnabled)
	} else {
		require.False(t, rep.OK())
	}
}

func TestConfigReportsEveryProblem(t *testing.T) {
	t.Parallel()
	err := bucketinit.Config{ObjectLock: &bucketinit.LockDefault{Mode: "SOMETIMES"},
		Encryption: &bucketinit.Encryption{Algorithm: "rot13"}, Lifecycle: []types.LifecycleRule{{}}}.Validate()
	require.Error(t, err)
	for _, want := range []string{"bucket is required", "SOMETIMES", "at least 1", "needs versioning", "rot13", "prefix"} {
		require.ErrorContains(t, err, want)
	}
}
