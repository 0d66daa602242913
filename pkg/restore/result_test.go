package restore_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/restore"
)

// Rows counts the tenant's rows and the reference rows inserted, not the
// reference rows already present.
func TestResultRowsCountsEveryRowLoaded(t *testing.T) {
	t.Parallel()
	r := restore.Result{Tables: []restore.TableResult{{Role: "owned", Rows: 5}, {Role: "reference", Rows: 2, Skipped: 7}, {Role: "shared", Rows: 1}}}
	require.EqualValues(t, 8, r.Rows())
	require.Zero(t, restore.Result{}.Rows())
}
