package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/arcabackup/arca/pkg/wal"
	"github.com/arcabackup/arca/pkg/wal/agent"
)

// started is when the process began: stats record the whole command's
// latency (keyring load included) beside the call's.
var started = time.Now()

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:])
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string) int {
	if len(args) == 0 {
		return usage()
	}
	if args[0] == "receive" && len(args) == 2 {
		return runReceive(ctx, args[1])
	}
	if args[0] == "agent" && len(args) == 2 {
		return runAgent(ctx, args[1])
	}
	if dir := os.Getenv(agent.DirEnv); args[0] == "push" && len(args) == 2 && dir != "" {
		return pushViaAgent(ctx, dir, args[1])
	}
	if args[0] == "fetch" && len(args) == 3 {
		// A prefetched segment needs no keyring and no store.
		if res, ok := wal.TakeSpooled(spoolConfig(), args[1], args[2]); ok {
			record("fetch", args[1], res.Duration, nil)
			return wal.ExitOK
		}
	}
	cfg, err := configFromEnv(ctx)
	if err != nil {
		fmt.Fprintf(os.Stderr, "walcmd: %v\n", err)
		return wal.ExitAbort
	}
	switch {
	case args[0] == "push" && len(args) == 2:
		res, err := wal.Push(ctx, cfg, args[1])
		record("push", args[1], res.Duration, err)
		return report(err, wal.PushExitCode(err))
	case args[0] == "fetch" && len(args) == 3:
		res, err := wal.Fetch(ctx, cfg, args[1], args[2])
		record("fetch", args[1], res.Duration, err)
		if errors.Is(err, wal.ErrNotFound) {
			return wal.ExitNotFound // expected at the end of recovery: no message
		}
		return report(err, wal.FetchExitCode(err))
	}
	return usage()
}

func report(err error, code int) int {
	if err != nil {
		fmt.Fprintf(os.Stderr, "walcmd: %v\n", err)
	}
	return code
}

func usage() int {
	fmt.Fprintln(os.Stderr, "usage: walcmd push <path> | walcmd fetch <name> <dest> | walcmd receive <conninfo> | walcmd agent <dir>")
	return wal.ExitAbort
}
