package bucketinit_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/objstore/bucketinit"
)

// The defaults of the configuration stand unless a flag says otherwise:
// GOVERNANCE for the policy's shortest retention, AES256 without a KMS key
// and aws:kms with one.
func TestOptionsConfigDefaultsAndOverrides(t *testing.T) {
	c, err := bucketinit.Options{Bucket: "b", DefaultLockDays: 30}.Config()
	require.NoError(t, err)
	require.True(t, c.Versioning)
	require.True(t, c.BlockPublicAccess)
	require.Equal(t, &bucketinit.LockDefault{Mode: types.ObjectLockRetentionModeGovernance, Days: 30}, c.ObjectLock)
	require.Equal(t, &bucketinit.Encryption{Algorithm: types.ServerSideEncryptionAes256}, c.Encryption)

	c, err = bucketinit.Options{Bucket: "b", DefaultLockMode: "compliance", KMSKeyID: "k1", Optional: []string{"lifecycle"}}.Config()
	require.NoError(t, err)
	require.Equal(t, &bucketinit.LockDefault{Mode: types.ObjectLockRetentionModeCompliance, Days: 1}, c.ObjectLock, "at least a day")
	require.Equal(t, &bucketinit.Encryption{Algorithm: types.ServerSideEncryptionAwsKms, KMSKeyID: "k1"}, c.Encryption)
	require.Equal(t, map[string]bool{"lifecycle": true}, c.Optional)

	c, err = bucketinit.Options{Bucket: "b", DefaultLockMode: "COMPLIANCE", LockMode: "governance", LockDays: 7, DefaultLockDays: 30,
		SSE: "AES256", KMSKeyID: "k1"}.Config()
	require.NoError(t, err)
	require.Equal(t, &bucketinit.LockDefault{Mode: types.ObjectLockRetentionModeGovernance, Days: 7}, c.ObjectLock)
	require.Equal(t, &bucketinit.Encryption{Algorithm: types.ServerSideEncryptionAes256}, c.Encryption, "the key goes with aws:kms only")

	c, err = bucketinit.Options{Bucket: "b", NoObjectLock: true}.Config()
	require.NoError(t, err)
	require.Nil(t, c.ObjectLock)
}

// Every problem at once: an unknown optional setting, a bad lock mode, a
// bad algorithm, no bucket.
func TestOptionsConfigReportsEveryProblem(t *testing.T) {
	_, err := bucketinit.Options{LockMode: "forever", SSE: "rot13", Optional: []string{"colour"}}.Config()
	require.ErrorContains(t, err, `--optional "colour": not one of versioning, object_lock, lifecycle, encryption, public_access_block`)
	require.ErrorContains(t, err, `object lock mode "FOREVER"`)
	require.ErrorContains(t, err, `encryption algorithm "rot13"`)
	require.ErrorContains(t, err, "bucket is required")
}

func TestReportErrNamesTheMissingSettings(t *testing.T) {
	rep := bucketinit.Report{Bucket: "b", Results: []bucketinit.Result{
		{Setting: bucketinit.SettingVersioning, Outcome: bucketinit.AlreadySet, Required: true},
		{Setting: bucketinit.SettingLifecycle, Outcome: bucketinit.Unsupported, Required: true},
		{Setting: bucketinit.SettingEncryption, Outcome: bucketinit.Failed, Required: true},
		{Setting: bucketinit.SettingPublicAccess, Outcome: bucketinit.Unsupported},
	}}
	require.EqualError(t, rep.Err(), "bucket b: required settings not in place: lifecycle (unsupported), encryption (failed)")
	require.NoError(t, bucketinit.Report{Bucket: "b"}.Err())
	require.Equal(t, "already set", bucketinit.AlreadySet.Text())
}
