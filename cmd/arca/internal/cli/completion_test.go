package cli_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// Completion reads backup ids and tenants from the bucket's keys, newest
// id first; with no database, tenants come from the bucket too.
func TestCompletionReadsIDsAndTenantsFromTheBucket(t *testing.T) {
	t.Parallel()
	e := newBucketEnv(t)
	e.commit(t, "tenant", "home/1", "20261128T010000Z-a", t0, nil)
	e.commit(t, "tenant", "home-2", "20261128T020000Z-b", t0.Add(time.Hour), nil)
	e.commit(t, "full", "", "20261128T030000Z-f", t0, nil)

	lines := func(out string) []string {
		var got []string
		for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
			if !strings.HasPrefix(l, ":") { // the directive
				got = append(got, l)
			}
		}
		return got
	}
	out, errOut, code := e.arca(t, "__complete", "verify", "")
	require.Equal(t, 0, code, errOut)
	require.Equal(t, []string{"20261128T030000Z-f", "20261128T020000Z-b", "20261128T010000Z-a"}, lines(out))

	out, _, _ = e.arca(t, "__complete", "restore", "full", "--backup", "")
	require.Equal(t, []string{"20261128T030000Z-f"}, lines(out))

	out, _, _ = e.arca(t, "__complete", "list", "--tenant", "home")
	require.Equal(t, []string{"home-2", "home/1"}, lines(out), "tenant ids unescaped from their keys")
}

// lifecycle prints the rules derived from the retention policy; --apply
// needs an S3 store (exit 2, before anything is touched).
func TestLifecyclePrintsRulesAndApplyNeedsS3(t *testing.T) {
	t.Parallel()
	e := newBucketEnv(t)
	out, errOut, code := e.arca(t, "lifecycle")
	require.Equal(t, 0, code, errOut)
	require.Contains(t, out, `"Rules"`)
	_, errOut, code = e.arca(t, "lifecycle", "--apply")
	require.Equal(t, 2, code)
	require.Equal(t, "arca: --apply needs store.kind s3", strings.TrimSpace(errOut[strings.LastIndex(errOut, "arca:"):]))
}
