package grants_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/cmd/arca/internal/grants"
)

// Every deployed grant is what Services generates: the NATS permissions
// compose runs with, the IAM policy of each service (golden files under
// deploy/grants/s3) and the PostgreSQL roles. Run `go generate
// ./internal/grants` (or make grants) after changing a grant.
func TestCommittedGrantsAreGenerated(t *testing.T) {
	root := filepath.Join("..", "..", "..", "..")
	for path, want := range grants.Files() {
		got, err := os.ReadFile(filepath.Join(root, path))
		require.NoError(t, err, "%s: run go generate ./internal/grants", path)
		require.Equal(t, string(want), string(got), "%s differs from what grants generates: run go generate ./internal/grants", path)
	}
}

// The exporter reads and never writes; no service but the uploader (and
// the verifier's verified.json, the coordinator's retention) writes the
// bucket; the encryptor and the exporter hold no S3 grant at all.
func TestGrantsKeepEachServiceToItsJob(t *testing.T) {
	by := map[string]grants.Service{}
	for _, s := range grants.Services() {
		by[s.Name] = s
	}
	require.Nil(t, by["exporter"].S3Policy("b", "p"))
	require.Nil(t, by["encryptor"].S3Policy("b", "p"))
	require.Nil(t, by["alerter"].S3Policy("b", "p"))
	require.Nil(t, by["encryptor"].PG)
	require.True(t, by["exporter"].PG.Read)
	require.False(t, by["exporter"].PG.Restore)
	for _, s := range grants.Services() {
		if s.PG != nil && s.PG.Restore {
			require.Contains(t, []string{"operator", "restorer"}, s.Name, "only restores write into the database")
		}
		for _, subj := range s.Permissions().Publish {
			if s.Name != "operator" {
				require.NotEqual(t, ">", subj, s.Name)
			}
		}
	}
	v := by["verifier"].S3Policy("b", "p")
	for _, st := range v.Statement {
		if contains(st.Action, "s3:PutObject") {
			require.Equal(t, []string{"arn:aws:s3:::b/p/*/verified.json"}, st.Resource)
		}
	}
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}
