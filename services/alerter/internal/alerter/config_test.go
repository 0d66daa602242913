package alerter_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/services/alerter/internal/alerter"
)

// A missing routing key stops start-up with an error naming the variable;
// no configured value appears in it.
func TestMissingRoutingKeyNamesTheVariable(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.deps.Getenv = func(k string) string {
		if k == "PD_KEY_HIGH" {
			return ""
		}
		return routingKeys[k]
	}
	err := alerter.Run(t.Context(), b.deps, b.cfg)
	require.ErrorContains(t, err, "PD_KEY_HIGH")
	require.NotContains(t, err.Error(), routingKeys["PD_KEY_CRITICAL"])
	require.NotContains(t, err.Error(), routingKeys["PD_KEY_WARNING"])
}
