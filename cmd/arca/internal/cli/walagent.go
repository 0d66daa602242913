package cli

import (
	"context"
	"errors"
	"os"

	"github.com/spf13/cobra"

	"github.com/arcabackup/arca/cmd/arca/internal/stack"
	"github.com/arcabackup/arca/pkg/wal/agent"
)

// agentDirEnv names the agent's directory when --agent-dir / --dir is not
// given.
const agentDirEnv = "ARCA_WAL_AGENT_DIR"

func (a *app) walAgentCmd() *cobra.Command {
	var dir string
	var parallel, lookAhead int
	var epoch bool
	cmd := command("wal-agent", cobra.NoArgs,
		"Keep the keys unlocked and archive the WAL files wal-push --agent-dir hands over, several at once",
		func(ctx context.Context, _ []string) error {
			if dir == "" {
				dir = os.Getenv(agentDirEnv)
			}
			if dir == "" {
				return usageError{errors.New("--dir DIR (or " + agentDirEnv + ") is required")}
			}
			return usage(stack.RunWALAgent(ctx, a.cfg, agent.Config{Dir: dir, Parallel: parallel, LookAhead: lookAhead, Log: a.log}, epoch))
		})
	f := cmd.Flags()
	f.StringVar(&dir, "dir", "", "directory of the socket (default $"+agentDirEnv+")")
	f.IntVar(&parallel, "parallel", agent.DefaultParallel, "files pushed ahead at once")
	f.IntVar(&lookAhead, "look-ahead", agent.DefaultLookAhead, "ready files pushed ahead of PostgreSQL's request (-1: none)")
	f.BoolVar(&epoch, "follow-epoch", true, "follow the keyring epoch over NATS when it is reachable")
	return cmd
}
