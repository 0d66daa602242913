package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/arcabackup/arca/pkg/objstore"
	"github.com/arcabackup/arca/pkg/wal"
	"github.com/arcabackup/arca/pkg/wal/agent"
)

// runAgent is `walcmd agent <dir>`: the archive agent, until SIGTERM (tests
// SIGKILL it). ARCA_TEST_HANG_PUT=<file>: every Put of a WAL file creates
// that file and then blocks forever, so that a test can kill the agent
// between receiving a segment and storing it.
func runAgent(ctx context.Context, dir string) int {
	cfg, err := configFromEnv(ctx)
	if err == nil {
		// Load the keys now, as arca wal-agent does: requests never pay it.
		_, err = cfg.Keys.Primary("")
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "walcmd: %v\n", err)
		return 1
	}
	if marker := os.Getenv("ARCA_TEST_HANG_PUT"); marker != "" {
		cfg.Store = hangingStore{Store: cfg.Store, marker: marker}
	}
	a, err := agent.New(agent.Config{WAL: cfg, Dir: dir, Log: slog.New(slog.NewTextHandler(os.Stderr, nil))})
	if err == nil {
		err = a.Run(ctx)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "walcmd: %v\n", err)
		return 1
	}
	return 0
}

// pushViaAgent is push when ARCA_WAL_AGENT_DIR is set: through the agent,
// or directly when none runs (said once, as arca wal-push does).
func pushViaAgent(ctx context.Context, dir, path string) int {
	resp, err := agent.Push(ctx, dir, path, 0)
	if errors.Is(err, agent.ErrNoAgent) {
		fmt.Fprintf(os.Stderr, "walcmd: %v; pushing directly\n", err)
		cfg, cerr := configFromEnv(ctx)
		if cerr != nil {
			fmt.Fprintf(os.Stderr, "walcmd: %v\n", cerr)
			return wal.ExitFailed
		}
		res, err := wal.Push(ctx, cfg, path)
		recordVia("push", "direct", path, res.Duration, err)
		return report(err, wal.PushExitCode(err))
	}
	recordVia("push", "agent", path, resp.Result().Duration, err)
	return report(err, wal.PushExitCode(err))
}

type hangingStore struct {
	objstore.Store
	marker string
}

func (h hangingStore) Put(ctx context.Context, key string, r io.Reader, size int64, opts ...objstore.Option) (objstore.ObjectInfo, error) {
	if strings.Contains(key, "/wal/") && !strings.HasSuffix(key, "identity.json") {
		_ = os.WriteFile(h.marker, []byte(key), 0o600)
		<-ctx.Done()
		return objstore.ObjectInfo{}, ctx.Err()
	}
	return h.Store.Put(ctx, key, r, size, opts...)
}
