package grants_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/cmd/arca/internal/grants"
	"github.com/arcabackup/arca/pkg/teststack"
)

// The explicit denies of the bucket-init documents win over an Allow of
// everything granted by mistake: on versitygw with IAM, an uploader that a
// broad statement allows s3:* still cannot delete a backup or change the
// bucket's versioning, while it still writes.
func TestBucketInitDeniesWinOverABroadAllowOnVersityGW(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	gw := teststack.NewVersityGWWithIAM(t)
	const bucket, prefix, secret = "backups", "prod", "uploader-secret-0123456789"
	require.NoError(t, gw.Admin(ctx, "create-user", "--access", "uploader", "--secret", secret, "--role", "user"))
	require.NoError(t, gw.Admin(ctx, "create-bucket", "--bucket", bucket, "--owner", gw.AccessKey))

	docs := grants.BucketInitPolicies(grants.Services(), bucket, prefix)
	policy := &grants.Policy{Version: "2012-10-17", Statement: []grants.Statement{{
		Sid: "Mistake", Effect: "Allow", Action: []string{"s3:*"},
		Resource: []string{"arn:aws:s3:::" + bucket, "arn:aws:s3:::" + bucket + "/*"},
	}}}
	client := func(access, secret string) *s3.Client {
		return s3.New(s3.Options{Region: gw.Region, BaseEndpoint: aws.String(gw.Endpoint), UsePathStyle: true,
			Credentials: credentials.NewStaticCredentialsProvider(access, secret, "")})
	}
	install := func(p *grants.Policy) {
		for i := range p.Statement {
			p.Statement[i].Principal = &grants.Principal{AWS: []string{"uploader"}}
		}
		_, err := client(gw.AccessKey, gw.SecretKey).PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String(bucket),
			Policy: aws.String(string(grants.PolicyJSON(p)))})
		require.NoError(t, err)
	}
	up := client("uploader", secret)
	key := aws.String(prefix + "/tenants/acme/b1/data.arca")
	put := func() {
		_, err := up.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: key, Body: bytes.NewReader([]byte("sealed"))})
		require.NoError(t, err, "the uploader writes")
	}

	// The control: the mistake alone lets the uploader delete.
	install(policy)
	put()
	_, err := up.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(bucket), Key: key})
	require.NoError(t, err, "s3:* allows delete")

	policy.Statement = append(policy.Statement[:1], docs["uploader.json"].Statement...)
	install(policy)
	put()
	_, err = up.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(bucket), Key: key})
	require.Error(t, err, "the explicit Deny wins over s3:*")
	require.True(t, strings.Contains(err.Error(), "AccessDenied"), "%v", err)
}
