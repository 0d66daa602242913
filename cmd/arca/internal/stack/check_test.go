package stack_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/cmd/arca/internal/config"
	"github.com/arcabackup/arca/cmd/arca/internal/stack"
	"github.com/arcabackup/arca/pkg/health"
)

// Schedules that parse are listed with their timezone; one that does not
// is a failed finding naming it.
func TestCheckSchedules(t *testing.T) {
	cfg := fileConfig(t)
	cfg.Schedules = config.Schedules{Timezone: "UTC", TenantExport: "0 0 2 * * *"}
	var f health.Findings
	stack.CheckSchedules(cfg, &f)
	require.Equal(t, []health.Check{{Check: "schedules", Status: health.OK, Detail: `tenant_export "0 0 2 * * *" (UTC)`}}, f.List)

	cfg.Schedules.Drill = "not a cron"
	f = health.Findings{}
	stack.CheckSchedules(cfg, &f)
	require.NotEmpty(t, f.List)
	require.Equal(t, health.Fail, f.List[0].Status)
	require.Contains(t, f.List[0].Detail, "drill")
}

// Every check reports, in order, the configuration first (named by its
// path); with no keyring and no NATS those two
// fail while the filesystem bucket passes.
func TestCheckReportsEveryCheck(t *testing.T) {
	cfg := fileConfig(t)
	cfg.Source.URL = "postgres://postgres@127.0.0.1:1/none?sslmode=disable&connect_timeout=2"
	cfg.Catalog.URL = cfg.Source.URL
	f := stack.Check(t.Context(), cfg, "/etc/arca.yaml")
	require.Equal(t, health.Check{Check: "config", Status: health.OK, Detail: "/etc/arca.yaml is valid"}, f.List[0])
	status := map[string]health.Status{}
	for _, c := range f.List {
		if status[c.Check] != health.Fail {
			status[c.Check] = c.Status
		}
	}
	require.Equal(t, health.Fail, status["source"])
	require.Equal(t, health.OK, status["bucket"], f.List)
	require.Equal(t, health.Fail, status["keyring"])
	require.Equal(t, health.Fail, status["nats"])
	require.Contains(t, status, "schedules")
	require.Equal(t, health.Fail, status["catalog"])
	require.Equal(t, cfg.Store.FS.Dir, stack.BucketName(cfg))
}

// A configuration that did not load is a failed config check per problem,
// each redacted of the secrets it quotes.
func TestConfigFindingsAreTheProblemsRedacted(t *testing.T) {
	err := errors.New("invalid configuration:\n  source.url postgres://arca:hunter2@db/x: no such host\n  store.kind tape: want fs or s3")
	f := stack.ConfigFindings(err)
	require.Len(t, f.List, 2)
	for _, c := range f.List {
		require.Equal(t, "config", c.Check)
		require.NotEqual(t, health.OK, c.Status)
		require.NotContains(t, c.Detail, "hunter2")
	}
}
