package cli_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// verify reads the backup's object: a backup whose object is missing is
// damaged, exit 3 and one line naming the object; an unknown
// --destination is exit 2. (verify --json
// of a real backup: TestVerifyAndRestoreFullJSON.)
func TestVerifyOfAMissingObjectAndAnUnknownDestination(t *testing.T) {
	t.Parallel()
	e := newBucketEnv(t)
	e.commit(t, "tenant", "home-1", "20261128T010000Z-a", t0, yes)

	_, errOut, code := e.arca(t, "verify", "20261128T010000Z-a", "--tenant", "home-1")
	require.Equal(t, 3, code, errOut)
	require.Len(t, strings.Split(strings.TrimSpace(errOut), "\n"), 1, errOut)
	require.Contains(t, errOut, "home-1/20261128T010000Z-a/data.arca: object not found")

	_, errOut, code = e.arca(t, "verify", "20261128T010000Z-a", "--destination", "nowhere")
	require.Equal(t, 2, code, errOut)
	require.Equal(t, `arca: --destination "nowhere": not one of [primary] (store.destinations)`, strings.TrimSpace(errOut))
}
