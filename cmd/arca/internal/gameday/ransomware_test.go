package gameday_test

import (
	"crypto/rand"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"

	"github.com/arcabackup/arca/cmd/arca/internal/grants"
	"github.com/arcabackup/arca/pkg/teststack"
)

// Scenario 4, "Ransomware / Ataque": an attacker holding the uploader's
// S3 keys — a versitygw IAM user under the uploader's policy that `arca
// bucket init` wrote (put, no delete) — tries to destroy the backups:
// deletes every object version, with and without the governance bypass,
// overwrites every object with garbage and deletes every key. The policy
// refuses the deletes; the overwrites succeed but, the bucket being
// versioned with Object Lock (COMPLIANCE), only hide the locked versions.
// The same version deletes with the gateway's root keys are refused too,
// by Object Lock alone. Recovery: the operator copies back each key's
// newest version from before the attack, checks the archive and restores
// the whole database from it.
func ransomware(t *testing.T, b *bench) result {
	if b.homes == "" {
		t.Fatal("scenario 3 did not record the homes' rows this scenario restores")
	}
	ctx := t.Context()
	root := s3Client(b, b.gw.AccessKey, b.gw.SecretKey)
	up := uploaderClient(t, b, root)
	canary := "prod/gameday-canary"
	// The canary is written as every writer writes (store.s3.object_lock:
	// objstore.Retained, the uploader's policies): with its own COMPLIANCE
	// retention, not only the bucket's default.
	if _, err := root.PutObject(ctx, &s3.PutObjectInput{Bucket: &b.bucket, Key: &canary, Body: strings.NewReader("canary"),
		ObjectLockMode: types.ObjectLockModeCompliance, ObjectLockRetainUntilDate: aws.Time(time.Now().Add(24 * time.Hour))}); err != nil {
		t.Fatal(err)
	}
	var before []types.ObjectVersion
	for _, v := range versions(t, root, b.bucket) {
		if aws.ToString(v.Key) != canary {
			before = append(before, v)
		}
	}
	time.Sleep(1100 * time.Millisecond) // LastModified has whole seconds: the attack starts in a later one
	attack := time.Now()

	// The attack, with the uploader's keys.
	// A probe first: can the retention of a locked version be shortened?
	// Tried on a canary object put under the same default retention as the
	// backups, so that the game day goes on with the backups whatever the
	// answer.
	probe := probeRetention(t, up, root, b.bucket)
	deleteVersions := func(c *s3.Client) (refused, deleted int) {
		for _, v := range before {
			for _, bypass := range []bool{false, true} {
				_, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: &b.bucket, Key: v.Key, VersionId: v.VersionId, BypassGovernanceRetention: aws.Bool(bypass)})
				if err != nil {
					refused++
				} else {
					deleted++
				}
			}
		}
		return refused, deleted
	}
	refused, deleted := deleteVersions(up)
	var overwritten, markers int
	for _, key := range currentKeys(before) {
		garbage := "your backups are encrypted; pay 10 BTC"
		if _, err := up.PutObject(ctx, &s3.PutObjectInput{Bucket: &b.bucket, Key: &key, Body: strings.NewReader(garbage)}); err == nil {
			overwritten++
		}
		if _, err := up.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: &b.bucket, Key: &key}); err == nil {
			markers++
		}
	}
	_, bucketErr := up.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: &b.bucket})
	// The same deletes with the gateway's root keys: Object Lock alone.
	rootRefused, rootDeleted := deleteVersions(root)
	t.Logf("attack: %s; uploader: %d version deletes refused, %d succeeded, %d keys overwritten, %d delete markers, delete bucket: %v; root: %d version deletes refused, %d succeeded",
		probe, refused, deleted, overwritten, markers, bucketErr, rootRefused, rootDeleted)
	if deleted+rootDeleted > 0 {
		t.Errorf("%d locked versions were deleted", deleted+rootDeleted)
	}
	if bucketErr == nil {
		t.Error("the bucket was deleted")
	}
	// What the operator sees: the WAL hidden by garbage.
	_, listCode := b.arcaExit(t, "wal-check")

	// Recovery: each key's newest version from before the attack is copied
	// back over the garbage and the delete markers (aws s3api copy-object
	// --copy-source BUCKET/KEY?versionId=V).
	start := time.Now()
	copied := 0
	for key, v := range newestBefore(before, attack) {
		src := b.bucket + "/" + key + "?versionId=" + aws.ToString(v.VersionId)
		if _, err := root.CopyObject(ctx, &s3.CopyObjectInput{Bucket: &b.bucket, Key: aws.String(key), CopySource: aws.String(src)}); err != nil {
			t.Fatalf("copy back %s: %v", src, err)
		}
		copied++
	}
	b.arca(t, "wal-check")
	b.arca(t, "list")
	pgdata := filepath.Join(b.dir, "after-attack")
	b.arca(t, "restore", "pitr", "--latest", "--pgdata", pgdata)
	restored := teststack.AttachPG(pgdata)
	restored.Env = b.env
	restored.Start(t, true)
	app := restored.ConnectDB(t, "app")
	teststack.WaitPromoted(t, app, 5*time.Minute)
	rto := since(start)
	ok := check(t, "the database restored after the attack", b.homes, homeRows(t, app, "casa1")+homeRows(t, app, "casa2")+homeRows(t, app, "casa3"))
	ok = ok && deleted+rootDeleted == 0 && bucketErr != nil
	restored.Stop(t)
	return result{
		scenario: "4 ransomware with the uploader's keys",
		done: fmt.Sprintf("uploader's keys: %d version deletes (with and without the governance bypass) %d refused, %d keys overwritten, %d delete markers, bucket delete refused; root keys: %d version deletes %d refused; wal-check then exits %d; %d versions copied back; restore pitr --latest",
			2*len(before), refused, overwritten, markers, 2*len(before), rootRefused, listCode, copied),
		rto:     rto.String(),
		rpo:     "0 (every locked version kept)",
		outcome: outcome(ok, "the policy and Object Lock refused every version delete; database restored from the copied-back versions") + "; " + probe,
	}
}

// versions lists every object version in the bucket.
func versions(t *testing.T, c *s3.Client, bucket string) []types.ObjectVersion {
	t.Helper()
	var all []types.ObjectVersion
	p := s3.NewListObjectVersionsPaginator(c, &s3.ListObjectVersionsInput{Bucket: &bucket})
	for p.HasMorePages() {
		page, err := p.NextPage(t.Context())
		if err != nil {
			var api smithy.APIError
			if errors.As(err, &api) {
				t.Fatalf("list object versions: %s: %s", api.ErrorCode(), api.ErrorMessage())
			}
			t.Fatal(err)
		}
		all = append(all, page.Versions...)
	}
	return all
}

func currentKeys(vs []types.ObjectVersion) []string {
	var keys []string
	for _, v := range vs {
		if aws.ToBool(v.IsLatest) {
			keys = append(keys, aws.ToString(v.Key))
		}
	}
	return keys
}

// newestBefore is each key's newest version last modified before at.
func newestBefore(vs []types.ObjectVersion, at time.Time) map[string]types.ObjectVersion {
	out := map[string]types.ObjectVersion{}
	for _, v := range vs {
		if !aws.ToTime(v.LastModified).Before(at) {
			continue
		}
		k := aws.ToString(v.Key)
		if cur, ok := out[k]; !ok || aws.ToTime(v.LastModified).After(aws.ToTime(cur.LastModified)) {
			out[k] = v
		}
	}
	return out
}

// probeRetention checks that the archived WAL carries its own retention,
// has the uploader shorten the canary's retention (GOVERNANCE, two
// seconds), then deletes the version once that ran out, as the uploader and
// as root, and says what happened. AWS S3 refuses to shorten a COMPLIANCE
// retention; versitygw v1.8.0 refuses too for a version written with its
// own retention, but accepts for one that has only the bucket's default,
// which it does not stamp on the version (the finding of the first game
// day, closed by writing every object with its own retention).
func probeRetention(t *testing.T, up, root *s3.Client, bucket string) string {
	t.Helper()
	checked := false
	for _, v := range versions(t, root, bucket) {
		if !strings.Contains(aws.ToString(v.Key), "/wal/") || !aws.ToBool(v.IsLatest) {
			continue
		}
		checked = true
		head, err := root.HeadObject(t.Context(), &s3.HeadObjectInput{Bucket: &bucket, Key: v.Key, VersionId: v.VersionId})
		if err != nil {
			t.Fatalf("head %s: %v", aws.ToString(v.Key), err)
		}
		if head.ObjectLockMode != types.ObjectLockModeCompliance || aws.ToTime(head.ObjectLockRetainUntilDate).Before(time.Now().Add(24*time.Hour)) {
			t.Errorf("%s was archived without its own COMPLIANCE retention: %q until %v", aws.ToString(v.Key), head.ObjectLockMode, head.ObjectLockRetainUntilDate)
		}
		break
	}
	if !checked {
		t.Error("no archived WAL segment to check the retention of")
	}
	var canary *types.ObjectVersion
	vs := versions(t, root, bucket)
	for i := range vs {
		if aws.ToString(vs[i].Key) == "prod/gameday-canary" {
			canary = &vs[i]
		}
	}
	if canary == nil {
		t.Fatal("no canary")
	}
	until := time.Now().Add(2 * time.Second)
	if _, err := up.PutObjectRetention(t.Context(), &s3.PutObjectRetentionInput{Bucket: &bucket, Key: canary.Key, VersionId: canary.VersionId,
		Retention: &types.ObjectLockRetention{Mode: types.ObjectLockRetentionModeGovernance, RetainUntilDate: aws.Time(until)}}); err != nil {
		t.Logf("the uploader shortens the canary's retention: refused: %v", err)
		return "shortening a retention refused"
	}
	for time.Now().Before(until.Add(time.Second)) {
		time.Sleep(100 * time.Millisecond) // the shortened retention runs out
	}
	del := &s3.DeleteObjectInput{Bucket: &bucket, Key: canary.Key, VersionId: canary.VersionId}
	if _, err := up.DeleteObject(t.Context(), del); err == nil {
		return "BUT the uploader shortened a locked version's retention and then deleted it: docs/runbooks/gameday-ransomware.md"
	}
	if _, err := root.DeleteObject(t.Context(), del); err == nil {
		return "BUT versitygw let the uploader shorten a locked version's retention, which root keys could then delete: docs/runbooks/gameday-ransomware.md"
	}
	return "a shortened retention accepted, the version still not deletable"
}

// s3Client is an S3 client of the bench's gateway with these keys.
func s3Client(b *bench, access, secret string) *s3.Client {
	return s3.New(s3.Options{Region: b.gw.Region, BaseEndpoint: aws.String(b.gw.Endpoint), UsePathStyle: true,
		Credentials: credentials.NewStaticCredentialsProvider(access, secret, "")})
}

// uploaderClient makes the gateway user "uploader" with the uploader's
// policy of `arca bucket init` (a bucket policy naming it: versitygw has
// no identity policies) and returns a client with its keys.
func uploaderClient(t *testing.T, b *bench, root *s3.Client) *s3.Client {
	t.Helper()
	secret := strings.ToLower(rand.Text())
	if err := b.gw.Admin(t.Context(), "create-user", "--access", "uploader", "--secret", secret, "--role", "user"); err != nil {
		t.Fatal(err)
	}
	p := grants.BucketInitPolicies(grants.Services(), b.bucket, "prod")["uploader.json"]
	for i := range p.Statement {
		p.Statement[i].Principal = &grants.Principal{AWS: []string{"uploader"}}
	}
	if _, err := root.PutBucketPolicy(t.Context(), &s3.PutBucketPolicyInput{Bucket: &b.bucket, Policy: aws.String(string(grants.PolicyJSON(p)))}); err != nil {
		t.Fatal(err)
	}
	return s3Client(b, "uploader", secret)
}
