package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/arcabackup/arca/pkg/wal/receive"
)

// runReceive is `walcmd receive <conninfo>`: wal-receive as its own
// process, so a test can kill it with the primary. ARCA_WAL_RECEIVE_INTERVAL
// (a duration) and ARCA_WAL_RECEIVE_SYNC=1 set Interval and Sync.
func runReceive(ctx context.Context, conninfo string) int {
	cfg, err := configFromEnv(ctx)
	if err != nil {
		fmt.Fprintf(os.Stderr, "walcmd: %v\n", err)
		return 1
	}
	rc := receive.Config{WAL: cfg, ConnString: conninfo, CreateSlot: true, Sync: os.Getenv("ARCA_WAL_RECEIVE_SYNC") == "1",
		Log: slog.New(slog.NewTextHandler(os.Stderr, nil))}
	if v := os.Getenv("ARCA_WAL_RECEIVE_INTERVAL"); v != "" {
		if rc.Interval, err = time.ParseDuration(v); err != nil {
			fmt.Fprintf(os.Stderr, "walcmd: ARCA_WAL_RECEIVE_INTERVAL: %v\n", err)
			return 1
		}
	}
	r, err := receive.New(rc)
	if err == nil {
		err = r.Run(ctx)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "walcmd: %v\n", err)
		return 1
	}
	return 0
}
