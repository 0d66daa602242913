package grants_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/cmd/arca/internal/grants"
	"github.com/arcabackup/arca/pkg/objstore"
	"github.com/arcabackup/arca/pkg/objstore/s3store"
	"github.com/arcabackup/arca/pkg/teststack"
)

// The game day's finding 4 (docs/runbooks/gameday-ransomware.md), on
// versitygw with IAM and the uploader's generated document: a version that
// carries only the bucket's default COMPLIANCE retention can be shortened
// with the uploader's keys; a version written with its own retention
// (objstore.Retained, what every writer now does) cannot, by the uploader
// or the root keys. And the uploader's grant cannot drop
// s3:PutObjectRetention: the server asks for it to write the retention
// headers themselves, on PutObject as on CreateMultipartUpload.
func TestARetentionSetAtPutCannotBeShortenedWithTheUploadersKeys(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	gw := teststack.NewVersityGWWithIAM(t)
	const bucket, prefix, secret = "locked", "prod", "uploader-secret-0123456789"
	require.NoError(t, gw.Admin(ctx, "create-user", "--access", "uploader", "--secret", secret, "--role", "user"))
	require.NoError(t, gw.CreateBucket(ctx, bucket, true))
	client := func(access, secret string) *s3.Client {
		return s3.New(s3.Options{Region: gw.Region, BaseEndpoint: aws.String(gw.Endpoint), UsePathStyle: true,
			Credentials: credentials.NewStaticCredentialsProvider(access, secret, "")})
	}
	root, up := client(gw.AccessKey, gw.SecretKey), client("uploader", secret)
	_, err := root.PutObjectLockConfiguration(ctx, &s3.PutObjectLockConfigurationInput{Bucket: aws.String(bucket),
		ObjectLockConfiguration: &types.ObjectLockConfiguration{ObjectLockEnabled: types.ObjectLockEnabledEnabled,
			Rule: &types.ObjectLockRule{DefaultRetention: &types.DefaultRetention{Mode: types.ObjectLockRetentionModeCompliance, Days: aws.Int32(1)}}}})
	require.NoError(t, err)
	install := func(p *grants.Policy) {
		for i := range p.Statement {
			p.Statement[i].Principal = &grants.Principal{AWS: []string{"uploader"}}
		}
		_, err := root.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String(bucket), Policy: aws.String(string(grants.PolicyJSON(p)))})
		require.NoError(t, err)
	}
	uploaderDoc := grants.BucketInitPolicies(grants.Services(), bucket, prefix)["uploader.json"]
	install(uploaderDoc)

	store, err := s3store.New(ctx, s3store.Config{Endpoint: gw.Endpoint, Region: gw.Region, Bucket: bucket, Prefix: prefix,
		PathStyle: true, AccessKey: "uploader", SecretKey: secret, MaxAttempts: 1})
	require.NoError(t, err)
	shorten := func(c *s3.Client, key string) error {
		_, err := c.PutObjectRetention(ctx, &s3.PutObjectRetentionInput{Bucket: aws.String(bucket), Key: aws.String(prefix + "/" + key),
			Retention: &types.ObjectLockRetention{Mode: types.ObjectLockRetentionModeGovernance, RetainUntilDate: aws.Time(time.Now().Add(2 * time.Second))}})
		return err
	}

	// The gap: the default retention alone.
	_, err = store.Put(ctx, "wal/00000001/a", strings.NewReader("sealed"), 6)
	require.NoError(t, err)
	require.NoError(t, shorten(up, "wal/00000001/a"), "versitygw lets the uploader shorten a default retention (the finding)")

	// Closed: the version's own COMPLIANCE retention.
	retained := objstore.Retained{Store: store, Mode: objstore.LockCompliance, Retain: 24 * time.Hour}
	_, err = retained.Put(ctx, "wal/00000001/b", strings.NewReader("sealed"), 6)
	require.NoError(t, err, "the uploader writes a retention at put (s3:PutObjectRetention)")
	err = shorten(up, "wal/00000001/b")
	require.Error(t, err, "the uploader cannot shorten it")
	err = shorten(root, "wal/00000001/b")
	require.Error(t, err, "nor can the root keys")
	require.Error(t, store.Delete(ctx, "wal/00000001/b"))
	info, err := store.Stat(ctx, "wal/00000001/b")
	require.NoError(t, err)
	require.Equal(t, objstore.LockCompliance, info.Lock.Mode)
	require.True(t, info.Lock.RetainUntil.After(time.Now().Add(23*time.Hour)))
	// A multipart upload's retention is set at CreateMultipartUpload.
	id, err := retained.CreateMultipart(ctx, "base/b1/data.arca")
	require.NoError(t, err)
	require.NoError(t, retained.AbortMultipart(ctx, "base/b1/data.arca", id))

	// Without s3:PutObjectRetention, writing the retention headers is
	// refused: the grant keeps it.
	without := grants.BucketInitPolicies(grants.Services(), bucket, prefix)["uploader.json"]
	for i := range without.Statement {
		if without.Statement[i].Effect == "Allow" {
			var keep []string
			for _, a := range without.Statement[i].Action {
				if a != "s3:PutObjectRetention" {
					keep = append(keep, a)
				}
			}
			without.Statement[i].Action = keep
		}
	}
	install(without)
	_, err = retained.Put(ctx, "wal/00000001/c", bytes.NewReader([]byte("sealed")), 6)
	require.Error(t, err)
	require.Contains(t, err.Error(), "AccessDenied")
	_, err = retained.CreateMultipart(ctx, "base/b2/data.arca")
	require.Error(t, err)
}
