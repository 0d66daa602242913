package prune_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/retention/prune"
)

// With one destination configured, arca prune --json is its report, as
// before destinations; with several, every destination's.
func TestReportsJSONIsTheOneReportOrEveryDestinations(t *testing.T) {
	runs := []prune.DestinationReport{{Destination: "primary", Report: prune.Report{Backups: 2, DryRun: true}}}
	one, err := json.Marshal(prune.Reports{Runs: runs})
	require.NoError(t, err)
	report, err := json.Marshal(runs[0].Report)
	require.NoError(t, err)
	require.JSONEq(t, string(report), string(one))
	several, err := json.Marshal(prune.Reports{Runs: runs, PerDestination: true})
	require.NoError(t, err)
	require.Contains(t, string(several), `[{"destination":"primary","report":`)
}

func TestReportsTextNamesEachDestinationWhenThereAreSeveral(t *testing.T) {
	runs := []prune.DestinationReport{{Destination: "primary", Report: prune.Report{Backups: 2, Kept: 2, DryRun: true}}, {Destination: "dr"}}
	var w strings.Builder
	prune.Reports{Runs: runs, PerDestination: true}.WriteText(&w)
	lines := strings.Split(strings.TrimSpace(w.String()), "\n")
	require.Equal(t, "destination primary:", lines[0])
	require.Equal(t, "0 multipart uploads that can never complete; 0 of backups in progress left alone", lines[1])
	require.Equal(t, "2 backups: 2 kept, 0 deleted, 0 locked, 0 failed; 0 B freed (dry run: true)", lines[2])
	require.Equal(t, "destination dr:", lines[3])
	w.Reset()
	prune.Reports{Runs: runs[:1]}.WriteText(&w)
	require.NotContains(t, w.String(), "destination")
}
