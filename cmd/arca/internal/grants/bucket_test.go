package grants_test

import (
	"flag"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/cmd/arca/internal/grants"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// The policy documents arca bucket init writes are the golden files under
// testdata/bucket-init (go test ./internal/grants -run BucketInit -update
// rewrites them).
func TestBucketInitPoliciesMatchTheGoldenFiles(t *testing.T) {
	dir := filepath.Join("testdata", "bucket-init")
	docs := grants.BucketInitPolicies(grants.Services(), "rafa-ilpi-backups-prod", "prod")
	docs2 := map[string][]byte{"MFA-DELETE.md": []byte(grants.MFADeleteNote)}
	for name, p := range docs {
		docs2[name] = grants.PolicyJSON(p)
	}
	if *update {
		require.NoError(t, os.RemoveAll(dir))
		require.NoError(t, os.MkdirAll(dir, 0o755))
		for name, b := range docs2 {
			require.NoError(t, os.WriteFile(filepath.Join(dir, name), b, 0o644))
		}
	}
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	want := make([]string, 0, len(docs2))
	for n := range docs2 {
		want = append(want, n)
	}
	slices.Sort(want)
	require.Equal(t, want, names, "run with -update")
	for name, b := range docs2 {
		got, err := os.ReadFile(filepath.Join(dir, name))
		require.NoError(t, err)
		require.Equal(t, string(got), string(b), "%s: run with -update", name)
	}
}

// What the issue asks of each role: the exporter nothing, the uploader
// put without delete, the verifier read (and its verified.json), the
// pruner delete without power over locks; nobody may lift a lock or
// change the bucket's settings.
func TestBucketInitPoliciesKeepEachRoleToItsJob(t *testing.T) {
	docs := grants.BucketInitPolicies(grants.Services(), "b", "p")
	allows := func(name, action string) bool {
		for _, st := range docs[name].Statement {
			if st.Effect == "Allow" && slices.Contains(st.Action, action) {
				return true
			}
		}
		return false
	}
	denies := func(name, action string) bool {
		for _, st := range docs[name].Statement {
			if st.Effect == "Deny" && (slices.Contains(st.Action, action) || slices.Contains(st.Action, "s3:*")) {
				return true
			}
		}
		return false
	}
	for _, none := range []string{"exporter.json", "encryptor.json", "alerter.json"} {
		require.Len(t, docs[none].Statement, 1, none)
		require.True(t, denies(none, "s3:GetObject"), none)
	}
	require.True(t, allows("uploader.json", "s3:PutObject"))
	require.True(t, denies("uploader.json", "s3:DeleteObject"))
	require.True(t, denies("uploader.json", "s3:DeleteObjectVersion"))
	require.False(t, allows("uploader.json", "s3:ListBucket"))
	// s3store asks ListParts whether a refused part's upload is gone.
	require.True(t, allows("uploader.json", "s3:ListMultipartUploadParts"))
	require.True(t, allows("verifier.json", "s3:GetObject"))
	require.True(t, denies("verifier.json", "s3:DeleteObject"))
	require.True(t, allows("coordinator.json", "s3:DeleteObjectVersion"))
	require.True(t, denies("coordinator.json", "s3:PutObjectRetention"))
	require.True(t, denies("coordinator.json", "s3:PutObjectLegalHold"))
	for name := range docs {
		if name == "bucket-policy.json" {
			continue
		}
		for _, a := range []string{"s3:BypassGovernanceRetention", "s3:PutBucketObjectLockConfiguration", "s3:PutLifecycleConfiguration"} {
			require.True(t, denies(name, a), "%s %s", name, a)
		}
	}
	require.NotContains(t, docs, "operator.json")
}
