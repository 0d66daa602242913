package agent_test

import (
	"bytes"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/teststack"
	"github.com/arcabackup/arca/pkg/wal"
	"github.com/arcabackup/arca/pkg/wal/agent"
	"github.com/arcabackup/arca/pkg/wal/internal/pgtest"
)

// startAgent runs `walcmd agent dir` as its own process.
func startAgent(t *testing.T, a *pgtest.Archive, dir string, env ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(a.Bin, "agent", dir)
	cmd.Env = append(append(os.Environ(), a.Env...), env...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		t.Logf("agent: %s", out.String())
	})
	teststack.Eventually(t, 30*time.Second, func() bool {
		c, err := agentDial(dir)
		return err == nil && c
	}, "the agent to listen")
	return cmd
}

func agentDial(dir string) (bool, error) {
	c, err := net.Dial("unix", agent.SocketPath(dir))
	if err != nil {
		return false, err
	}
	return true, c.Close()
}

// TestAgentKilledBeforeStoringFailsThePush is the durability promise: an
// agent killed between receiving a segment and storing it makes wal-push
// exit non-zero (PostgreSQL keeps the segment and retries), never 0.
func TestAgentKilledBeforeStoringFailsThePush(t *testing.T) {
	t.Parallel()
	a := pgtest.NewFSArchive(t)
	dir := filepath.Join(t.TempDir(), "agent")
	marker := filepath.Join(t.TempDir(), "in-put")
	ag := startAgent(t, a, dir, "ARCA_TEST_HANG_PUT="+marker)

	seg := filepath.Join(t.TempDir(), "000000010000000000000001")
	require.NoError(t, os.WriteFile(seg, bytes.Repeat([]byte("wal"), 1000), 0o600))
	push := exec.Command(a.Bin, "push", seg)
	push.Env = append(append(os.Environ(), a.Env...), "ARCA_WAL_AGENT_DIR="+dir)
	var out bytes.Buffer
	push.Stdout, push.Stderr = &out, &out
	require.NoError(t, push.Start())
	teststack.Eventually(t, 30*time.Second, func() bool {
		_, err := os.Stat(marker)
		return err == nil
	}, "the agent to start storing the segment")
	require.NoError(t, ag.Process.Signal(syscall.SIGKILL))

	err := push.Wait()
	t.Logf("wal-push: %s", out.String())
	var ee *exec.ExitError
	require.ErrorAs(t, err, &ee, "wal-push must not exit 0")
	require.Equal(t, wal.ExitFailed, ee.ExitCode())
	require.NotContains(t, out.String(), "pushing directly", "a segment handed over is not pushed a second way")
	f, _ := wal.ParseName(filepath.Base(seg))
	_, err = a.Store.Stat(t.Context(), a.Config().Key(f))
	require.Error(t, err, "nothing stored")

	// PostgreSQL's retry: the dead agent's socket is left behind, nobody
	// answers, wal-push archives it itself.
	retry := exec.Command(a.Bin, "push", seg)
	retry.Env = push.Env
	o, err := retry.CombinedOutput()
	require.NoError(t, err, "%s", o)
	require.Contains(t, string(o), "pushing directly")
	_, err = a.Store.Stat(t.Context(), a.Config().Key(f))
	require.NoError(t, err)

	// A new agent replaces the stale socket and answers.
	startAgent(t, a, dir)
	again := exec.Command(a.Bin, "push", seg)
	again.Env = push.Env
	o, err = again.CombinedOutput()
	require.NoError(t, err, "%s", o)
	require.NotContains(t, string(o), "pushing directly")
}
