package config

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// Problems are a Load error's lines, one per problem, without the heading.
func TestProblemsAreOneLineEach(t *testing.T) {
	path := filepath.Join(t.TempDir(), "arca.yaml")
	require.NoError(t, os.WriteFile(path, []byte("store: {kind: s3}\nschedules: {timezone: Mars/Olympus}\n"), 0o600))
	_, err := Load(path, func(string) string { return "" })
	require.Error(t, err)
	got := Problems(err)
	require.Len(t, got, 2, got)
	require.Contains(t, got[0], "store.s3.bucket")
	require.Contains(t, got[1], "Mars/Olympus")
	for _, l := range got {
		require.NotContains(t, l, "invalid configuration")
	}
}
