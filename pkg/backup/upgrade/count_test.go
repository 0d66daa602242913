package upgrade_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/backup/upgrade"
)

func TestCountCountsOneOutcome(t *testing.T) {
	t.Parallel()
	rs := []upgrade.Result{{Outcome: upgrade.Refused}, {Outcome: upgrade.Current}, {Outcome: upgrade.Refused}, {Outcome: upgrade.Upgraded}}
	require.Equal(t, 2, upgrade.Count(rs, upgrade.Refused))
	require.Equal(t, 1, upgrade.Count(rs, upgrade.Current))
	require.Zero(t, upgrade.Count(rs, upgrade.WouldUpgrade))
	require.Zero(t, upgrade.Count(nil, upgrade.Refused))
}
