package stack_test

import (
	"bytes"
	"io"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/cmd/arca/internal/config"
	"github.com/arcabackup/arca/cmd/arca/internal/config/configtest"
	"github.com/arcabackup/arca/cmd/arca/internal/stack"
	"github.com/arcabackup/arca/pkg/jobs"
	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/pkg/teststack"
)

// fileConfig is a configuration with a filesystem bucket and a keyring
// file in a temporary directory, and no NATS.
func fileConfig(t *testing.T) config.Config {
	cfg := configtest.Local(t)
	cfg.Store.Prefix = "p"
	return cfg
}

// The WAL archive is the configuration's bucket and prefix; its keyring is
// loaded at first use, not when the configuration is made.
func TestWALConfigLoadsTheKeyringAtFirstUse(t *testing.T) {
	cfg := fileConfig(t)
	w, err := stack.WALConfig(t.Context(), cfg, 4, "/spool")
	require.NoError(t, err)
	require.Equal(t, "p", w.Layout.Prefix)
	require.Equal(t, 4, w.Prefetch)
	require.Equal(t, "/spool", w.SpoolDir)
	_, err = stack.Keyring(t.Context(), cfg, true)
	require.NoError(t, err, "created after the WAL configuration")
	_, err = w.Keys.Primary("")
	require.NoError(t, err)
}

// Without NATS, the agent's keyring is the file loaded once (SIGHUP loads
// it again); a missing keyring fails at start.
func TestAgentKeyringWithoutNATSLoadsTheFile(t *testing.T) {
	cfg := fileConfig(t)
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	_, _, err := stack.AgentKeyring(t.Context(), cfg, true, quiet)
	require.Error(t, err, "no keyring yet")
	kr, err := stack.Keyring(t.Context(), cfg, true)
	require.NoError(t, err)
	live, stop, err := stack.AgentKeyring(t.Context(), cfg, true, quiet)
	require.NoError(t, err)
	defer stop()
	require.Equal(t, kr.Fingerprint(), live.Held().Fingerprint)
}

// A check recorded with no NATS running is dropped quietly (the terminal
// has the report); with NATS it lands on the EVENTS stream.
func TestRecordCheckGoesToEventsOrIsDroppedQuietly(t *testing.T) {
	ctx := t.Context()
	cfg := fileConfig(t)
	var logged bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logged, nil))
	stack.RecordCheck(cfg, log)(ctx, messages.Event{Stage: "wal_check", Status: messages.StatusSucceeded})
	require.Empty(t, logged.String(), "no NATS configured: nothing to say")

	n := teststack.NewNATS(t)
	require.NoError(t, jobs.EnsureStreams(ctx, n.JS, jobs.StreamOptions{}))
	cfg.NATS.URL = n.URL
	stack.RecordCheck(cfg, log)(ctx, messages.Event{Stage: "wal_check", Status: messages.StatusSucceeded})
	require.Empty(t, logged.String())
	st, err := n.JS.Stream(ctx, messages.StreamEvents)
	require.NoError(t, err)
	info, err := st.Info(ctx)
	require.NoError(t, err)
	require.EqualValues(t, 1, info.State.Msgs, "the check is recorded once")
}
