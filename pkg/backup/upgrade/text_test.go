package upgrade_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/backup/upgrade"
)

func TestResultsPrintEveryManifestNotCurrent(t *testing.T) {
	var w strings.Builder
	upgrade.Results{{Key: "a", Outcome: upgrade.Current}, {Key: "b", Outcome: upgrade.Refused, Reason: "digest mismatch"}}.WriteText(&w)
	require.Equal(t, "refused        b digest mismatch\n", w.String())
}
