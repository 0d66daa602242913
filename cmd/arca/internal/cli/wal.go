package cli

import (
	"context"
	"errors"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/arcabackup/arca/cmd/arca/internal/stack"
	"github.com/arcabackup/arca/pkg/objstore/destinations"
	"github.com/arcabackup/arca/pkg/wal"
	"github.com/arcabackup/arca/pkg/wal/agent"
	"github.com/arcabackup/arca/pkg/wal/receive"
)

func (a *app) walCmds() []*cobra.Command {
	var o stack.WALPushOptions
	push := command("wal-push PATH", cobra.ExactArgs(1),
		"archive_command: seal a WAL file and exit 0 only once it is durable in the bucket",
		func(ctx context.Context, args []string) error {
			code, err := stack.WALPush(ctx, a.cfg, args[0], o, os.Getenv, a.log)
			return exitCode(code, err, false)
		})
	push.Flags().Uint32Var(&o.AcceptTimeline, "accept-timeline", 0, "archive this timeline although its parent has segments after the switch point")
	push.Flags().StringVar(&o.AgentDir, "agent-dir", "", "hand the file to the arca wal-agent of this directory (default $"+agent.DirEnv+")")
	push.Flags().DurationVar(&o.AgentTimeout, "agent-timeout", 5*time.Minute, "longest wait for the agent's answer (then exit 2: PostgreSQL retries)")
	var prefetch int
	var spool string
	fetch := command("wal-fetch NAME DEST", cobra.ExactArgs(2),
		"restore_command: fetch, authenticate and open a WAL file; exit 1 if it does not exist",
		func(ctx context.Context, args []string) error {
			code, err := stack.WALFetch(ctx, a.cfg, args[0], args[1], prefetch, spool, destinations.TellServed(a.errOut))
			return exitCode(code, err, code == wal.ExitNotFound)
		})
	fetch.Flags().IntVar(&prefetch, "prefetch", 8, "segments fetched ahead in parallel (-1: none)")
	fetch.Flags().StringVar(&spool, "spool-dir", "", "where prefetched segments wait (default pg_wal/arca-prefetch)")

	var maxAge time.Duration
	var stream stack.StreamCheck
	check := command("wal-check", cobra.NoArgs,
		"Check the WAL archive: no gap after any base backup, newest segment younger than --max-age (RPO)",
		func(ctx context.Context, _ []string) error {
			res, err := stack.CheckWAL(ctx, a.cfg, maxAge, a.log)
			a.show(res)
			if stream.Slot != "" {
				err = errors.Join(err, usage(a.print(stack.CheckStream(ctx, a.cfg, stream, a.log))))
			}
			return err
		})
	check.Flags().DurationVar(&maxAge, "max-age", time.Hour, "alert when the newest archived segment is older (the RPO)")
	f := check.Flags()
	f.StringVar(&stream.Slot, "slot", "", "also check wal-receive's replication slot on the primary: retention and stream lag")
	f.StringVar(&stream.Conn, "pg-conn", "", "connection to the primary for --slot (default: the source URL)")
	f.StringVar(&stream.MaxRetained, "max-slot-retained", "4GiB", "alert when the slot holds more WAL on the primary")
	f.DurationVar(&stream.MaxLag, "max-stream-lag", time.Minute, "alert when WAL reaches the bucket later than this after its commit")
	return []*cobra.Command{push, fetch, check, a.walReceiveCmd(), a.walAgentCmd()}
}

func (a *app) walAgentCmd() *cobra.Command {
	var dir string
	var parallel, lookAhead int
	var epoch bool
	cmd := command("wal-agent", cobra.NoArgs,
		"Keep the keys unlocked and archive the WAL files wal-push --agent-dir hands over, several at once",
		func(ctx context.Context, _ []string) error {
			return usage(stack.RunWALAgent(ctx, a.cfg, agent.Config{Dir: dir, Parallel: parallel, LookAhead: lookAhead, Log: a.log}, epoch, os.Getenv))
		})
	f := cmd.Flags()
	f.StringVar(&dir, "dir", "", "directory of the socket (default $"+agent.DirEnv+")")
	f.IntVar(&parallel, "parallel", agent.DefaultParallel, "files pushed ahead at once")
	f.IntVar(&lookAhead, "look-ahead", agent.DefaultLookAhead, "ready files pushed ahead of PostgreSQL's request (-1: none)")
	f.BoolVar(&epoch, "follow-epoch", true, "follow the keyring epoch over NATS when it is reachable")
	return cmd
}

func (a *app) walReceiveCmd() *cobra.Command {
	var o receive.Config
	cmd := command("wal-receive", cobra.NoArgs, "Stream WAL over the replication protocol into the bucket (an RPO of about a second)",
		func(ctx context.Context, _ []string) error { return usage(stack.RunWALReceive(ctx, a.cfg, o, a.log)) })
	f := cmd.Flags()
	f.StringVar(&o.ConnString, "pg-conn", "", "connection to the primary as a REPLICATION user (default: the source URL)")
	f.StringVar(&o.Slot, "slot", receive.DefaultSlot, "physical replication slot")
	f.BoolVar(&o.CreateSlot, "create-slot", false, "create the slot if it does not exist")
	f.StringVar(&o.AppName, "app-name", receive.DefaultAppName, "application_name (for synchronous_standby_names)")
	f.DurationVar(&o.Interval, "interval", receive.DefaultInterval, "longest wait before received WAL is put in the bucket")
	f.BoolVar(&o.Sync, "sync", false, "put WAL as soon as the stream pauses (synchronous replication)")
	f.DurationVar(&o.StatusInterval, "status-interval", receive.DefaultStatusInterval, "longest time between status updates to the primary")
	return cmd
}
