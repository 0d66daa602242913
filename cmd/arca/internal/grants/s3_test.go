package grants_test

import (
	"bytes"
	"encoding/json"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/cmd/arca/internal/grants"
	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/objstore"
	"github.com/arcabackup/arca/pkg/objstore/s3store"
	"github.com/arcabackup/arca/pkg/restore/tenantpitr"
	"github.com/arcabackup/arca/pkg/seal/keyring/keyringtest"
	"github.com/arcabackup/arca/pkg/teststack"
	"github.com/arcabackup/arca/pkg/wal/pitr"
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

	// as is the bucket as a service's user; "" is the root account.
	as := func(service string) objstore.Store {
		access, key := service, secret[service]
		if service == "" {
			access, key = gw.AccessKey, gw.SecretKey
		}
		st, err := s3store.New(ctx, s3store.Config{Endpoint: gw.Endpoint, Region: gw.Region, Bucket: bucket, Prefix: prefix,
			PathStyle: true, AccessKey: access, SecretKey: key, MaxAttempts: 1})
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
	_ = rc.Close()
	require.NoError(t, put(ver, verified), "the verifier records its verification")
	denied(put(ver, data), "verifier overwriting a backup")
	denied(ver.Delete(ctx, data), "verifier delete")

	coord := as("coordinator")
	keys, err := collect(coord.List(ctx, "tenants/"))
	require.NoError(t, err, "the coordinator lists (retention, catalog rebuild)")
	require.ElementsMatch(t, []string{data, verified}, keys)
	require.NoError(t, coord.Delete(ctx, verified), "the coordinator prunes")

	// The allowed path of a tenant point-in-time restore's coverage check
	// (the coordinator runs it before accepting POST .../restores): it
	// lists the base backups, reads their manifests and lists the WAL.
	admin := as("")
	kr := keyringtest.New(t)
	layout := backup.Layout{}
	ended := time.Now().Add(-2 * time.Hour).UTC()
	facts, err := json.Marshal(map[string]any{"timeline": 1, "start_lsn": "0/2000028", "stop_lsn": "0/2000100",
		"start_wal": "000000010000000000000002", "stop_wal": "000000010000000000000002",
		"start_time": ended.Add(-time.Minute), "stop_time": ended, "segment_size": 16 << 20})
	require.NoError(t, err)
	m := backup.Manifest{FormatVersion: backup.FormatVersion, BackupID: "base-1", Kind: "base", CreatedAt: ended.Add(-time.Minute), CommittedAt: ended,
		Object: backup.Object{Key: layout.Data("base", "", "base-1"), Size: 6, SHA256: strings.Repeat("ab", 32),
			Parts: []backup.Part{{Index: 0, Size: 6, SHA256: strings.Repeat("ab", 32)}}}, Export: facts}
	key, doc, err := layout.SealManifest(ctx, m, kr)
	require.NoError(t, err)
	_, err = admin.Put(ctx, key, bytes.NewReader(doc), int64(len(doc)))
	require.NoError(t, err)
	for _, seg := range []string{"000000010000000000000002", "000000010000000000000003"} {
		require.NoError(t, put(admin, layout.WAL("00000001", seg)))
	}
	cover := func(st objstore.Store) (tenantpitr.Coverage, error) {
		return tenantpitr.Cover(ctx, pitr.Config{Store: st, Layout: layout, Keys: kr}, ended.Add(time.Hour))
	}
	c, err := cover(coord)
	require.NoError(t, err, "the coordinator reads what the coverage check needs")
	require.Empty(t, c.Reason, "covered: the restore is allowed")
	require.Equal(t, "base-1", c.Backup.Manifest.BackupID)
	_, err = cover(up)
	denied(err, "uploader listing base backups")
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
