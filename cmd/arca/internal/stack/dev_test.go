package stack_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/cmd/arca/internal/stack"
)

// arca dev creates a missing keyring, opens the bucket, and leaves its
// NATS URL where the other commands on the machine find it.
func TestStartDevCreatesTheKeyringAndLeavesTheNATSURL(t *testing.T) {
	cfg := fileConfig(t)
	srv, err := stack.StartDev(t.Context(), cfg)
	require.NoError(t, err)
	defer srv.Stop()
	_, err = stack.Keyring(t.Context(), cfg, false)
	require.NoError(t, err, "created")
	url, err := stack.NATSURL(cfg)
	require.NoError(t, err)
	require.Equal(t, srv.URL(), url)
	require.Equal(t, append(append([]string(nil), stack.StageServices...), "coordinator"), stack.DevSet(false).Names())
}
