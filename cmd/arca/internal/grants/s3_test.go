package grants_test

import (
	"bytes"
	"io"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/cmd/arca/internal/grants"
	"github.com/arcabackup/arca/pkg/objstore"
	"github.com/arcabackup/arca/pkg/objstore/s3store"
	"github.com/arcabackup/arca/pkg/teststack"
)

// The generated S3 grants, as the bucket policy deploy/compose installs,
// on a real versitygw with one user per service: each service does what
// its job needs and the gateway refuses the rest (the uploader cannot
// delete or list, the verifier can write only verified.json, the
// coordinator prunes).
func TestGeneratedS3GrantsAreEnforcedByVersityGW(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	gw := teststack.NewVersityGWWithIAM(t)
	const bucket, prefix = "backups", "prod"
	secret := map[string]string{}
	for _, s := range grants.Services() {
		if len(s.S3) == 0 {
			continue
		}
		secret[s.Name] = s.Name + "-secret-0123456789"
		require.NoError(t, gw.Admin(ctx, "create-user", "--access", s.Name, "--secret", secret[s.Name], "--role", "user"))
	}
	// The bucket belongs to the root account, not to a service: an owner
	// may do anything whatever the policy says.
	require.NoError(t, gw.Admin(ctx, "create-bucket", "--bucket", bucket, "--owner", gw.AccessKey))
	policy := grants.PolicyJSON(grants.BucketPolicy(grants.Services(), bucket, prefix, func(s string) string { return s }))
	root := s3.New(s3.Options{
		Region: gw.Region, BaseEndpoint: aws.String(gw.Endpoint), UsePathStyle: true,
		Credentials: credentials.NewStaticCredentialsProvider(gw.AccessKey, gw.SecretKey, ""),
	})
	_, err := root.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String(bucket), Policy: aws.String(string(policy))})
	require.NoError(t, err)

	as := func(service string) objstore.Store {
		st, err := s3store.New(ctx, s3store.Config{Endpoint: gw.Endpoint, Region: gw.Region, Bucket: bucket, Prefix: prefix,
			PathStyle: true, AccessKey: service, SecretKey: secret[service], MaxAttempts: 1})
		require.NoError(t, err)
		return st
	}
	put := func(st objstore.Store, key string) error {
		_, err := st.Put(ctx, key, bytes.NewReader([]byte("sealed")), 6)
		return err
	}
	denied := func(err error, what string) {
		t.Helper()
		require.Error(t, err, what)
		require.True(t, strings.Contains(err.Error(), "AccessDenied") || strings.Contains(err.Error(), "403"), "%s: %v", what, err)
	}
	const data, verified = "tenants/acme/b1/data.arca", "tenants/acme/b1/verified.json"

	up := as("uploader")
	require.NoError(t, put(up, data), "the uploader writes backups")
	denied(up.Delete(ctx, data), "uploader delete")
	_, err = collect(up.List(ctx, "tenants/"))
	denied(err, "uploader list")
	// A commit aborts the uploads a backup's superseded attempts left.
	id, err := up.CreateMultipart(ctx, data)
	require.NoError(t, err, "the uploader starts a multipart upload")
	var uploads []string
	for u, err := range up.ListMultipartUploads(ctx, data) {
		require.NoError(t, err, "the uploader lists the uploads on a key")
		uploads = append(uploads, u.UploadID)
	}
	require.Equal(t, []string{id}, uploads)
	require.NoError(t, up.AbortMultipart(ctx, data, id), "the uploader aborts a superseded upload")

	ver := as("verifier")
	rc, err := ver.Get(ctx, data, objstore.Range{})
	require.NoError(t, err, "the verifier reads backups")
	_, _ = io.Copy(io.Discard, rc)
	rc.Close()
	require.NoError(t, put(ver, verified), "the verifier records its verification")
	denied(put(ver, data), "verifier overwriting a backup")
	denied(ver.Delete(ctx, data), "verifier delete")

	coord := as("coordinator")
	keys, err := collect(coord.List(ctx, "tenants/"))
	require.NoError(t, err, "the coordinator lists (retention, catalog rebuild)")
	require.ElementsMatch(t, []string{data, verified}, keys)
	require.NoError(t, coord.Delete(ctx, verified), "the coordinator prunes")
}

func collect(seq func(func(objstore.ObjectInfo, error) bool)) ([]string, error) {
	var keys []string
	for oi, err := range seq {
		if err != nil {
			return keys, err
		}
		keys = append(keys, oi.Key)
	}
	return keys, nil
}
