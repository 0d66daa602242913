package health_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/health"
)

func TestAReportPrintsEachCheckThenTheCounts(t *testing.T) {
	var f health.Findings
	f.OK("config", "%s", "arca.yaml is valid")
	f.Warn("nats", "%s", "no NATS configured")
	var w strings.Builder
	f.Report().WriteText(&w)
	lines := strings.Split(strings.TrimSpace(w.String()), "\n")
	require.Regexp(t, `^OK\s+config\s+arca\.yaml is valid$`, lines[0])
	require.Regexp(t, `^WARN\s+nats\s+no NATS configured$`, lines[1])
	require.Equal(t, "no problems, 1 warning(s)", lines[2])
	f.Fail("bucket", "%s", "unreachable")
	w.Reset()
	f.Report().WriteText(&w)
	require.True(t, strings.HasSuffix(w.String(), "\n1 problem(s), 1 warning(s)\n"), w.String())
}
