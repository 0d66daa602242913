package cli

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/cmd/arca/internal/stack"
	"github.com/arcabackup/arca/pkg/objstore/destinations"
)

// usage makes exit 2 of a stack.ConfigError and of the refusals named,
// and leaves any other error (exit 1) and nil alone.
func TestUsageMapsRefusalsToExit2(t *testing.T) {
	errRefused := errors.New("refused")
	require.NoError(t, usage(nil, errRefused))
	require.Equal(t, 2, ExitCode(usage(stack.ConfigError{Err: errors.New("bad cron")})))
	require.EqualError(t, usage(stack.ConfigError{Err: errors.New("bad cron")}), "bad cron")
	require.Equal(t, 2, ExitCode(usage(fmt.Errorf("cost: %w", errRefused), errRefused)))
	require.Equal(t, 1, ExitCode(usage(errors.New("bucket down"), errRefused)))
	require.Equal(t, 1, ExitCode(usage(fmt.Errorf("cost: %w", errRefused))))
}

// stack.Pick names the flag and the destinations there are when it names
// none of them (exit 2).
func TestPickRefusesADestinationNotConfigured(t *testing.T) {
	set := destinations.Set{{Name: "primary"}, {Name: "dr"}}
	d, err := stack.Pick(set, "--to", "dr")
	require.NoError(t, err)
	require.Equal(t, "dr", d.Name)
	_, err = stack.Pick(set, "--destination", "nowhere")
	err = usage(err)
	require.Equal(t, 2, ExitCode(err))
	require.EqualError(t, err, `--destination "nowhere": not one of [primary dr] (store.destinations)`)
}
