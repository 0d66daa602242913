package cli

import (
	"context"
	"errors"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/arcabackup/arca/cmd/arca/internal/stack"
	"github.com/arcabackup/arca/pkg/seal/keyring"
	"github.com/arcabackup/arca/pkg/wal"
	"github.com/arcabackup/arca/pkg/wal/agent"
)

// agentDirEnv names the agent's directory when --agent-dir / --dir is not
// given.
const agentDirEnv = "ARCA_WAL_AGENT_DIR"

func (a *app) walAgentCmd() *cobra.Command {
	var dir string
	var parallel, lookAhead int
	var epoch bool
	cmd := &cobra.Command{
		Use:   "wal-agent",
		Short: "Keep the keys unlocked and archive the WAL files wal-push --agent-dir hands over, several at once",
		Long: `Runs until stopped, on the database host, as the PostgreSQL user. Listens on DIR/wal-agent.sock (mode 0600,
DIR is created 0700). wal-push --agent-dir DIR hands it each file and exits 0 only once the agent answered that
the sealed file is in the bucket: the same promise, the same guards (system identifier, timelines, conflicts) as
a direct wal-push, without a keyring load per file. It also pushes the next files PostgreSQL marked .ready,
--parallel at a time, and answers from that when PostgreSQL asks for them. When no agent answers, or its keys
are behind the keyring epoch, wal-push archives the file itself.

Keys: with NATS reachable it follows the keyring epoch (docs/keys.md) like the encryptor; otherwise it loads the
keyring once and loads it again on SIGHUP.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			if dir == "" {
				dir = os.Getenv(agentDirEnv)
			}
			if dir == "" {
				return usageError{errors.New("--dir DIR (or " + agentDirEnv + ") is required")}
			}
			keys, stop, err := a.agentKeys(ctx, epoch)
			if err != nil {
				return err
			}
			defer stop()
			store, err := stack.WriterStore(ctx, a.cfg)
			if err != nil {
				return err
			}
			ag, err := agent.New(agent.Config{
				WAL: wal.Config{Store: store, Layout: stack.Layout(a.cfg), Keys: keys}, Dir: dir,
				Parallel: parallel, LookAhead: lookAhead, Log: a.log,
			})
			if err != nil {
				return usageError{err}
			}
			return ag.Run(ctx)
		},
	}
	f := cmd.Flags()
	f.StringVar(&dir, "dir", "", "directory of the socket (default $"+agentDirEnv+")")
	f.IntVar(&parallel, "parallel", agent.DefaultParallel, "files pushed ahead at once")
	f.IntVar(&lookAhead, "look-ahead", agent.DefaultLookAhead, "ready files pushed ahead of PostgreSQL's request (-1: none)")
	f.BoolVar(&epoch, "follow-epoch", true, "follow the keyring epoch over NATS when it is reachable")
	return cmd
}

// agentKeys is the agent's live keyring: following the keyring epoch when
// NATS answers, else loaded now and again on SIGHUP.
func (a *app) agentKeys(ctx context.Context, epoch bool) (*keyring.Live, func(), error) {
	src, err := stack.KeyringSource(ctx, a.cfg)
	if err != nil {
		return nil, nil, err
	}
	if epoch {
		cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		conn, err := stack.Connect(cctx, a.cfg, "wal-agent")
		cancel()
		if err == nil {
			live, stop, err := stack.LiveKeyring(ctx, src.Store, conn.JS, a.cfg.NATS.Replicas, []string{"wal-agent"}, a.log, src.Opts...)
			if err != nil {
				conn.Close()
				return nil, nil, err
			}
			a.log.Info("wal-agent follows the keyring epoch")
			unhup := a.onHUP(func() {
				a.log.Warn("wal-agent follows the keyring epoch: it reloads when a change is announced, SIGHUP does nothing")
			})
			return live, func() { unhup(); stop(); conn.Close() }, nil
		}
		a.log.Warn("wal-agent: NATS unreachable, not following the keyring epoch; send SIGHUP after a key change", "err", err)
	}
	live := keyring.NewLive(src.Load)
	if err := live.Advance(ctx, keyring.Epoch{}); err != nil {
		return nil, nil, err
	}
	unhup := a.onHUP(func() {
		if err := live.Advance(ctx, keyring.Epoch{}); err != nil {
			a.log.Error("wal-agent: keyring reload failed; keeping the keys loaded before", "err", err)
		} else {
			a.log.Warn("wal-agent: keyring reloaded", "fingerprint", live.Held().Fingerprint)
		}
	})
	return live, unhup, nil
}

// onHUP calls f on every SIGHUP until the returned stop is called (a
// SIGHUP would otherwise end the process: systemctl reload must not).
func (a *app) onHUP(f func()) (stop func()) {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	done := make(chan struct{})
	go func() {
		for {
			select {
			case <-done:
				return
			case <-hup:
				f()
			}
		}
	}()
	return func() { signal.Stop(hup); close(done) }
}

// pushViaAgent hands path to the agent in dir. ok is false when no agent
// answers there or it declined the file: the caller pushes it itself (and
// it says so, once: this process archives one file).
func (a *app) pushViaAgent(ctx context.Context, dir, path string, acceptTimeline uint32, timeout time.Duration) (ok bool, err error) {
	if timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	_, err = agent.Push(ctx, dir, path, acceptTimeline)
	if errors.Is(err, agent.ErrNoAgent) {
		a.log.Warn("wal-push: archiving directly", "reason", err)
		return false, nil
	}
	return true, err
}
