package stack_test

import (
	"bytes"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/cmd/arca/internal/stack"
	"github.com/arcabackup/arca/pkg/wal"
	"github.com/arcabackup/arca/pkg/wal/agent"
)

// wal-push with no agent listening archives the file itself, and says so;
// wal-fetch gives it back, exits ExitNotFound for a file never archived
// (recovery ends there) and ExitAbort when the bucket cannot be opened.
func TestWALPushWithoutAnAgentArchivesItselfAndWALFetchReadsItBack(t *testing.T) {
	cfg := fileConfig(t)
	_, err := stack.Keyring(t.Context(), cfg, true)
	require.NoError(t, err)
	pgwal := t.TempDir()
	seg := filepath.Join(pgwal, "000000010000000000000001")
	data := bytes.Repeat([]byte("wal record "), 700)
	require.NoError(t, os.WriteFile(seg, data, 0o600))

	var logged bytes.Buffer
	code, err := stack.WALPush(t.Context(), cfg, seg, stack.WALPushOptions{AgentDir: t.TempDir()}, noEnv, slog.New(slog.NewTextHandler(&logged, nil)))
	require.NoError(t, err)
	require.Zero(t, code)
	require.Contains(t, logged.String(), "archiving directly")

	quiet := func(string, string, []error) {}
	dest := filepath.Join(t.TempDir(), "RECOVERYXLOG")
	code, err = stack.WALFetch(t.Context(), cfg, "000000010000000000000001", dest, -1, "", quiet)
	require.NoError(t, err)
	require.Zero(t, code)
	got, err := os.ReadFile(dest)
	require.NoError(t, err)
	require.Equal(t, data, got)

	code, err = stack.WALFetch(t.Context(), cfg, "000000010000000000000002", dest, -1, "", quiet)
	require.ErrorIs(t, err, wal.ErrNotFound)
	require.Equal(t, wal.ExitNotFound, code)

	cfg.Store.Kind = "nowhere"
	code, err = stack.WALFetch(t.Context(), cfg, "000000010000000000000001", dest, -1, "", quiet)
	require.Error(t, err)
	require.Equal(t, wal.ExitAbort, code)
	code, err = stack.WALPush(t.Context(), cfg, seg, stack.WALPushOptions{}, noEnv, slog.New(slog.NewTextHandler(io.Discard, nil)))
	require.Error(t, err)
	require.Equal(t, wal.ExitFailed, code)
}

func noEnv(string) string { return "" }

// wal-push takes the agent's directory from agent.DirEnv when none is
// given (and, no agent answering there, archives the file itself);
// wal-agent with neither is a ConfigError naming both.
func TestTheAgentDirectoryDefaultsToTheEnvironment(t *testing.T) {
	cfg := fileConfig(t)
	_, err := stack.Keyring(t.Context(), cfg, true)
	require.NoError(t, err)
	seg := filepath.Join(t.TempDir(), "000000010000000000000001")
	require.NoError(t, os.WriteFile(seg, []byte("wal record"), 0o600))
	dir := t.TempDir()
	env := func(k string) string {
		if k == agent.DirEnv {
			return dir
		}
		return ""
	}
	var logged bytes.Buffer
	code, err := stack.WALPush(t.Context(), cfg, seg, stack.WALPushOptions{}, env, slog.New(slog.NewTextHandler(&logged, nil)))
	require.NoError(t, err)
	require.Zero(t, code)
	require.Contains(t, logged.String(), "archiving directly")

	err = stack.RunWALAgent(t.Context(), cfg, agent.Config{}, false, noEnv)
	require.ErrorAs(t, err, new(stack.ConfigError))
	require.EqualError(t, err, "--dir DIR (or ARCA_WAL_AGENT_DIR) is required")
}
