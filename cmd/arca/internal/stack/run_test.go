package stack_test

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/cmd/arca/internal/config"
	"github.com/arcabackup/arca/cmd/arca/internal/stack"
	"github.com/arcabackup/arca/pkg/retention"
)

func TestSetNamesStagesFirst(t *testing.T) {
	t.Parallel()
	require.Equal(t, []string{"exporter", "encryptor", "coordinator", "alerter"},
		stack.Set{Stages: []string{"exporter", "encryptor"}, Coordinator: true, Alerter: true}.Names())
	require.Equal(t, []string{"alerter"}, stack.Set{Alerter: true}.Names())
	err := error(stack.ConfigError{Err: errors.New("schedules.drill: bad cron")})
	var ce stack.ConfigError
	require.ErrorAs(t, err, &ce)
	require.EqualError(t, err, "schedules.drill: bad cron")
}

// The retention of the configuration in days, by kind, and its holds.
func TestPolicyFromTheConfiguration(t *testing.T) {
	t.Parallel()
	day := config.Duration(24 * time.Hour)
	p := stack.Policy(config.Config{Retention: config.Retention{TenantExport: 30 * day, Operational: 7 * day, Health: 365 * day,
		Holds: []config.Hold{{Tenant: "casa_01", Reason: "court order"}}}})
	require.Equal(t, retention.KindPolicy{KeepDays: 30}, p.Kinds["tenant"])
	require.Equal(t, retention.KindPolicy{KeepDays: 7, Weekly: retention.Slots{WithinDays: 365}}, p.Kinds["full"])
	require.Equal(t, retention.KindPolicy{KeepDays: 7}, p.Kinds["base"])
	require.Equal(t, []retention.Hold{{Tenant: "casa_01", Reason: "court order"}}, p.Holds)

	require.Equal(t, "pg_restore", stack.PGBin(config.Config{}, "pg_restore"), "a bare name is looked up on the PATH")
	require.Equal(t, "/usr/lib/postgresql/15/bin/pg_restore",
		stack.PGBin(config.Config{Source: config.Source{PGBinDir: "/usr/lib/postgresql/15/bin"}}, "pg_restore"))
}
