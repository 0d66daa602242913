package grants_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/cmd/arca/internal/grants"
)

// Every service's policy and the MFA-delete note, sorted by name, each
// naming the bucket's prefix.
func TestWriteBucketPolicies(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "policies")
	paths, err := grants.WriteBucketPolicies(dir, "acme-backups", "prod")
	require.NoError(t, err)
	require.Contains(t, paths, filepath.Join(dir, "MFA-DELETE.md"))
	require.IsNonDecreasing(t, paths)
	doc, err := os.ReadFile(filepath.Join(dir, "uploader.json"))
	require.NoError(t, err)
	require.Contains(t, string(doc), "arn:aws:s3:::acme-backups/prod/*")

	_, err = grants.WriteBucketPolicies(filepath.Join(dir, "MFA-DELETE.md"), "b", "p")
	require.ErrorContains(t, err, "write policies")
}
