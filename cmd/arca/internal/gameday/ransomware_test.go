package gameday_test

import (
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

	"github.com/arcabackup/arca/pkg/teststack"
)

// Scenario 4, "Ransomware / Ataque": an attacker holding the S3 keys that
// wal-push and the uploader use (here the gateway's root keys, more than
// the uploader's put-only policy grants) tries to destroy the backups:
// deletes every object version, with and without the governance bypass,
// shortens the retention, overwrites every object with garbage and
// deletes every key. Object Lock (COMPLIANCE, set by `arca bucket init`)
// refuses every version delete and retention change; the overwrites and
// delete markers only hide the locked versions. Recovery: the operator
// copies back each key's newest version from before the attack, checks the
// archive and restores the whole database from it.
func ransomware(t *testing.T, b *bench) result {
	c := s3.New(s3.Options{Region: b.gw.Region, BaseEndpoint: aws.String(b.gw.Endpoint), UsePathStyle: true,
		Credentials: credentials.NewStaticCredentialsProvider(b.gw.AccessKey, b.gw.SecretKey, "")})
	ctx := t.Context()
	canary := "prod/gameday-canary"
	if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: &b.bucket, Key: &canary, Body: strings.NewReader("canary")}); err != nil {
		t.Fatal(err)
	}
	var before []types.ObjectVersion
	for _, v := range versions(t, c, b.bucket) {
		if aws.ToString(v.Key) != canary {
			before = append(before, v)
		}
	}
	time.Sleep(1100 * time.Millisecond) // LastModified has whole seconds: the attack starts in a later one
	attack := time.Now()

	// The attack.
	var refused, deleted, overwritten, markers int
	// A probe first: can the retention of a locked version be shortened?
	// Tried on a canary object put before the attack, under the same
	// default retention as the backups, so that the game day goes on with
	// the backups whatever the answer.
	shortened := probeRetention(t, c, b.bucket)
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
	for _, key := range currentKeys(before) {
		garbage := "your backups are encrypted; pay 10 BTC"
		if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: &b.bucket, Key: &key, Body: strings.NewReader(garbage)}); err == nil {
			overwritten++
		}
		if _, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: &b.bucket, Key: &key}); err == nil {
			markers++
		}
	}
	_, bucketErr := c.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: &b.bucket})
	t.Logf("attack: retention of a locked version shortened and the version deleted: %t; %d version deletes refused, %d succeeded; %d keys overwritten, %d delete markers; delete bucket: %v",
		shortened, refused, deleted, overwritten, markers, bucketErr)
	if deleted > 0 {
		t.Errorf("%d locked versions were deleted", deleted)
	}
	if bucketErr == nil {
		t.Error("the bucket was deleted")
	}
	// What the operator sees: no backups, no WAL.
	_, listCode := b.arcaExit(t, "wal-check")

	// Recovery: each key's newest version from before the attack is copied
	// back over the garbage and the delete markers (aws s3api copy-object
	// --copy-source BUCKET/KEY?versionId=V).
	start := time.Now()
	copied := 0
	for key, v := range newestBefore(before, attack) {
		src := b.bucket + "/" + key + "?versionId=" + aws.ToString(v.VersionId)
		if _, err := c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: &b.bucket, Key: aws.String(key), CopySource: aws.String(src)}); err != nil {
			t.Fatalf("copy back %s: %v", src, err)
		}
		copied++
	}
	b.arca(t, "wal-check")
	b.arca(t, "list")
	pgdata := filepath.Join(b.dir, "after-attack")
	b.arca(t, "restore", "pitr", "--latest", "--pgdata", pgdata)
	restored := &cluster{pgdata: pgdata, env: b.env}
	restored.startOn(t, freePort(t))
	app := restored.connect(t, "app")
	teststack.Eventually(t, 5*time.Minute, func() bool {
		var inRecovery bool
		return app.QueryRow(t.Context(), "SELECT pg_is_in_recovery()").Scan(&inRecovery) == nil && !inRecovery
	}, "recovery finished and promoted")
	rto := since(start)
	ok := check(t, "the database restored after the attack", b.homes, homeRows(t, app, "casa1")+homeRows(t, app, "casa2")+homeRows(t, app, "casa3"))
	ok = ok && deleted == 0 && bucketErr != nil
	restored.stop(t)
	return result{
		scenario: "4 ransomware with the uploader's keys",
		done: fmt.Sprintf("%d version deletes tried (with and without the governance bypass): %d refused, %d done; %d keys overwritten, %d delete markers; bucket delete refused; wal-check then exits %d; %d versions copied back; restore pitr --latest",
			2*len(before), refused, deleted, overwritten, markers, listCode, copied),
		rto:     rto.String(),
		rpo:     "0 (every locked version kept)",
		outcome: outcome(ok, "Object Lock refused every version delete; database restored from the copied-back versions") + shortenedNote(shortened),
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

// probeRetention shortens the canary's retention (GOVERNANCE, two seconds)
// and deletes its version once that ran out; true when both succeeded.
// AWS S3 refuses to shorten a COMPLIANCE retention; versitygw v1.8.0 does
// not stamp the bucket's default retention on the version, and accepts.
func probeRetention(t *testing.T, c *s3.Client, bucket string) bool {
	t.Helper()
	vs := versions(t, c, bucket)
	var canary *types.ObjectVersion
	for i := range vs {
		if aws.ToString(vs[i].Key) == "prod/gameday-canary" {
			canary = &vs[i]
		}
	}
	if canary == nil {
		t.Fatal("no canary")
	}
	until := time.Now().Add(2 * time.Second)
	if _, err := c.PutObjectRetention(t.Context(), &s3.PutObjectRetentionInput{Bucket: &bucket, Key: canary.Key, VersionId: canary.VersionId,
		BypassGovernanceRetention: aws.Bool(true),
		Retention:                 &types.ObjectLockRetention{Mode: types.ObjectLockRetentionModeGovernance, RetainUntilDate: aws.Time(until)}}); err != nil {
		t.Logf("shorten the canary's retention: refused: %v", err)
		return false
	}
	for time.Now().Before(until.Add(time.Second)) {
		time.Sleep(100 * time.Millisecond) // the shortened retention runs out
	}
	_, err := c.DeleteObject(t.Context(), &s3.DeleteObjectInput{Bucket: &bucket, Key: canary.Key, VersionId: canary.VersionId})
	t.Logf("shorten the canary's retention: accepted; delete its version then: %v", err)
	return err == nil
}

func shortenedNote(shortened bool) string {
	if !shortened {
		return "; shortening a retention refused"
	}
	return "; BUT versitygw let the retention of a locked version be shortened (PutObjectRetention) and the version then be deleted: docs/runbooks/gameday-ransomware.md"
}
