package pgdump_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/services/exporter/internal/pgdump"
)

func TestExactPattern(t *testing.T) {
	t.Parallel()
	require.Equal(t, `"tenant_a"`, pgdump.ExactPattern("tenant_a"))
	require.Equal(t, `"Évil ""q"" *x.?"`, pgdump.ExactPattern(`Évil "q" *x.?`))
}
