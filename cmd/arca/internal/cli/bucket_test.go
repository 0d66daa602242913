package cli_test

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/cmd/arca/internal/cli"
)

// s3Config writes a configuration whose store is a bucket of the
// package's versitygw (not created) and returns its path and the bucket.
func s3Config(t *testing.T) (string, string) {
	t.Helper()
	dir := t.TempDir()
	suffix := strings.ToUpper(rand.Text()[:8])
	require.NoError(t, os.Setenv("ARCA_TEST_S3_ACCESS_"+suffix, gw.AccessKey))
	require.NoError(t, os.Setenv("ARCA_TEST_S3_SECRET_"+suffix, gw.SecretKey))
	bucket := "arca-init-" + strings.ToLower(rand.Text()[:8])
	doc := fmt.Sprintf("dir: %s\nstore: {kind: s3, prefix: prod, s3: {endpoint: %q, region: %q, bucket: %q, path_style: true, access_key_env: %s, secret_key_env: %s}}\n",
		dir, gw.Endpoint, gw.Region, bucket, "ARCA_TEST_S3_ACCESS_"+suffix, "ARCA_TEST_S3_SECRET_"+suffix)
	path := filepath.Join(dir, "arca.yaml")
	require.NoError(t, os.WriteFile(path, []byte(doc), 0o600))
	return path, bucket
}

type initResult struct {
	Bucket  string `json:"bucket"`
	OK      bool   `json:"ok"`
	Results []struct {
		Setting, Outcome, Detail string
		Required                 bool
	} `json:"results"`
	Policies []string `json:"policies"`
}

func runInit(t *testing.T, args ...string) (initResult, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := cli.Execute(t.Context(), append([]string{"bucket", "init", "--json"}, args...), &out, &errOut)
	var res initResult
	require.NoError(t, json.Unmarshal(out.Bytes(), &res), "%s\n%s", out.String(), errOut.String())
	return res, err
}

// arca bucket init on versitygw: the bucket is created with versioning
// and Object Lock's default retention (30 days, the policy's shortest),
// the settings the gateway does not implement are reported unsupported
// and fail the command (exit 1) until --optional accepts them, and the
// IAM documents are written.
func TestBucketInitOnVersityGW(t *testing.T) {
	t.Parallel()
	cfg, bucket := s3Config(t)
	policies := filepath.Join(t.TempDir(), "policies")
	res, err := runInit(t, "--config", cfg, "--policies", policies)
	require.Error(t, err)
	require.Equal(t, 1, cli.ExitCode(err))
	require.ErrorContains(t, err, "lifecycle (unsupported)")
	require.False(t, res.OK)
	got := map[string]string{}
	for _, r := range res.Results {
		got[r.Setting] = r.Outcome
		require.True(t, r.Required, r.Setting)
	}
	require.Equal(t, map[string]string{"bucket": "applied", "versioning": "already_set", "object_lock": "applied",
		"lifecycle": "unsupported", "encryption": "unsupported", "public_access_block": "unsupported"}, got)
	for _, f := range []string{"uploader.json", "verifier.json", "coordinator.json", "exporter.json", "bucket-policy.json", "MFA-DELETE.md"} {
		require.FileExists(t, filepath.Join(policies, f))
	}
	doc, err := os.ReadFile(filepath.Join(policies, "uploader.json"))
	require.NoError(t, err)
	require.Contains(t, string(doc), "arn:aws:s3:::"+bucket+"/prod/*")

	c := s3.New(s3.Options{Region: gw.Region, BaseEndpoint: aws.String(gw.Endpoint), UsePathStyle: true,
		Credentials: credentials.NewStaticCredentialsProvider(gw.AccessKey, gw.SecretKey, "")})
	lock, err := c.GetObjectLockConfiguration(t.Context(), &s3.GetObjectLockConfigurationInput{Bucket: &bucket})
	require.NoError(t, err)
	require.EqualValues(t, 30, aws.ToInt32(lock.ObjectLockConfiguration.Rule.DefaultRetention.Days))
	require.EqualValues(t, "GOVERNANCE", lock.ObjectLockConfiguration.Rule.DefaultRetention.Mode)

	res, err = runInit(t, "--config", cfg, "--policies", "", "--optional", "lifecycle,encryption,public_access_block")
	require.NoError(t, err)
	require.True(t, res.OK)
	for _, r := range res.Results {
		if r.Setting == "bucket" || r.Setting == "versioning" || r.Setting == "object_lock" {
			require.Equal(t, "already_set", r.Outcome, r.Setting)
		}
	}
	require.Empty(t, res.Policies)
}

func TestBucketInitNeedsAnS3Store(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "arca.yaml")
	require.NoError(t, os.WriteFile(path, []byte("store: {kind: fs, fs: {dir: "+t.TempDir()+"}}\n"), 0o600))
	err := cli.Execute(t.Context(), []string{"bucket", "init", "--config", path}, &bytes.Buffer{}, &bytes.Buffer{})
	require.Equal(t, 2, cli.ExitCode(err), "%v", err)
}

// A flag the bucket cannot take is a usage error (exit 2) before the
// bucket is reached.
func TestBucketInitRefusesABadFlag(t *testing.T) {
	t.Parallel()
	cfg, _ := s3Config(t)
	err := cli.Execute(t.Context(), []string{"bucket", "init", "--config", cfg, "--optional", "colour", "--lock-mode", "forever"}, &bytes.Buffer{}, &bytes.Buffer{})
	require.Equal(t, 2, cli.ExitCode(err), "%v", err)
	require.ErrorContains(t, err, `--optional "colour"`)
	require.ErrorContains(t, err, `object lock mode "FOREVER"`)
}
