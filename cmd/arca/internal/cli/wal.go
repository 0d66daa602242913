package cli

import (
	"context"
	"errors"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/arcabackup/arca/cmd/arca/internal/stack"
	"github.com/arcabackup/arca/pkg/wal"
)

func (a *app) walCmds() []*cobra.Command {
	var o stack.WALPushOptions
	push := command("wal-push PATH", cobra.ExactArgs(1),
		"archive_command: seal a WAL file and exit 0 only once it is durable in the bucket",
		func(ctx context.Context, args []string) error {
			if o.AgentDir == "" {
				o.AgentDir = os.Getenv(agentDirEnv)
			}
			code, err := stack.WALPush(ctx, a.cfg, args[0], o, a.log)
			return exitCode(code, err, false)
		})
	push.Flags().Uint32Var(&o.AcceptTimeline, "accept-timeline", 0, "archive this timeline although its parent has segments after the switch point")
	push.Flags().StringVar(&o.AgentDir, "agent-dir", "", "hand the file to the arca wal-agent of this directory (default $"+agentDirEnv+")")
	push.Flags().DurationVar(&o.AgentTimeout, "agent-timeout", 5*time.Minute, "longest wait for the agent's answer (then exit 2: PostgreSQL retries)")
	var prefetch int
	var spool string
	fetch := command("wal-fetch NAME DEST", cobra.ExactArgs(2),
		"restore_command: fetch, authenticate and open a WAL file; exit 1 if it does not exist",
		func(ctx context.Context, args []string) error {
			code, err := stack.WALFetch(ctx, a.cfg, args[0], args[1], prefetch, spool, a.served())
			return exitCode(code, err, code == wal.ExitNotFound)
		})
	fetch.Flags().IntVar(&prefetch, "prefetch", 8, "segments fetched ahead in parallel (-1: none)")
	fetch.Flags().StringVar(&spool, "spool-dir", "", "where prefetched segments wait (default pg_wal/arca-prefetch)")

	var maxAge time.Duration
	var stream *streamCheck
	check := command("wal-check", cobra.NoArgs,
		"Check the WAL archive: no gap after any base backup, newest segment younger than --max-age (RPO)",
		func(ctx context.Context, _ []string) error {
			res, err := stack.CheckWAL(ctx, a.cfg, maxAge, a.log)
			a.show(res)
			return errors.Join(err, a.checkStream(ctx, stream))
		})
	check.Flags().DurationVar(&maxAge, "max-age", time.Hour, "alert when the newest archived segment is older (the RPO)")
	stream = a.streamCheckFlags(check)
	return []*cobra.Command{push, fetch, check, a.walReceiveCmd(), a.walAgentCmd()}
}
