package cli_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"
)

// arca check without a database or NATS: every check reports, the bucket
// and keyring pass, the run exits 1 with nothing on stderr (the findings
// are the output).
func TestCheckReportsEveryCheckAndExits1(t *testing.T) {
	t.Parallel()
	e := newBucketEnv(t)
	out, errOut, code := e.arca(t, "--json", "check", "--timeout", "30s")
	require.Equal(t, 1, code, out)
	require.Empty(t, errOut)
	var rep struct {
		OK       bool `json:"ok"`
		Problems int  `json:"problems"`
		Warnings int  `json:"warnings"`
		Checks   []struct {
			Check  string `json:"check"`
			Status string `json:"status"`
			Detail string `json:"detail"`
		} `json:"checks"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &rep))
	require.False(t, rep.OK)
	status := map[string]string{}
	for _, c := range rep.Checks {
		if status[c.Check] != "fail" {
			status[c.Check] = c.Status
		}
	}
	require.Equal(t, map[string]string{"config": "ok", "source": "fail", "bucket": "ok", "keyring": "ok", "nats": "fail",
		"schedules": "ok", "catalog": "warn"}, status)
	require.Equal(t, 2, rep.Problems)
	require.Equal(t, 1, rep.Warnings)
}
