package stack

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/arcabackup/arca/cmd/arca/internal/config"
	"github.com/arcabackup/arca/pkg/objstore/destinations"
	"github.com/arcabackup/arca/pkg/wal"
	"github.com/arcabackup/arca/pkg/wal/agent"
	"github.com/arcabackup/arca/pkg/wal/walcheck"
)

// WALPushOptions are wal-push's choices besides the file.
type WALPushOptions struct {
	AcceptTimeline uint32
	// AgentDir is the directory of the wal-agent to hand the file to ("":
	// agent.DirEnv's); none, or no agent answering there: the file is
	// archived here.
	AgentDir     string
	AgentTimeout time.Duration // longest wait for the agent's answer
}

// WALPush archives path as archive_command does: through the wal-agent
// when one answers (and does not decline it), else itself (wal.Push), and
// says so through log. The exit code is PostgreSQL's contract: 0 only once
// the sealed file is durable in the bucket.
func WALPush(ctx context.Context, cfg config.Config, path string, o WALPushOptions, getenv func(string) string, log *slog.Logger) (code int, err error) {
	if o.AgentDir == "" {
		o.AgentDir = getenv(agent.DirEnv)
	}
	if o.AgentDir != "" {
		actx, cancel := ctx, context.CancelFunc(func() {})
		if o.AgentTimeout > 0 {
			actx, cancel = context.WithTimeout(ctx, o.AgentTimeout)
		}
		_, err := agent.Push(actx, o.AgentDir, path, o.AcceptTimeline)
		cancel()
		switch {
		case errors.Is(err, agent.ErrNoAgent):
			log.Warn("wal-push: archiving directly", "reason", err)
		case err != nil:
			return wal.ExitFailed, err
		default:
			return 0, nil
		}
	}
	w, err := WALConfig(ctx, cfg, 0, "")
	if err != nil {
		return wal.ExitFailed, err
	}
	w.AcceptTimeline = o.AcceptTimeline
	if _, err := wal.Push(ctx, w, path); err != nil {
		return wal.PushExitCode(err), err
	}
	return 0, nil
}

// WALFetch fetches WAL file name into dest as restore_command does: from
// the spool when an earlier fetch prefetched it, else from the first
// destination that has it (served says which when it was not the first),
// so that recovery goes on when the primary is lost. The exit code is
// PostgreSQL's contract: wal.ExitNotFound (with wal.ErrNotFound) ends
// recovery cleanly, wal.ExitAbort stops it.
func WALFetch(ctx context.Context, cfg config.Config, name, dest string, prefetch int, spool string,
	served func(key, destination string, skipped []error)) (code int, err error) {
	if _, ok := wal.TakeSpooled(wal.Config{SpoolDir: spool}, name, dest); ok {
		return 0, nil
	}
	set, err := Destinations(ctx, cfg)
	if err != nil {
		return wal.ExitAbort, err
	}
	keys := wal.LazyKeys(func() (wal.Keys, error) { return Keyring(ctx, cfg, false) })
	w := wal.Config{Store: destinations.NewReader(set, served), Layout: Layout(cfg), Keys: keys, Prefetch: prefetch, SpoolDir: spool}
	if _, err := wal.Fetch(ctx, w, name, dest); err != nil {
		return wal.FetchExitCode(err), err
	}
	return 0, nil
}

// WALCheck is wal-check's result: the primary's archive, and each further
// destination's copy of it compared with the primary's.
type WALCheck struct {
	wal.Continuity
	Copies []walcheck.CopyResult `json:",omitempty"`
}

// CheckWAL checks the archive after every base backup, then each copy of
// it (CheckArchiveCopies), and records the outcomes as the coordinator's
// scheduled check does; the error is the gap, staleness or missing copies
// found.
func CheckWAL(ctx context.Context, cfg config.Config, maxAge time.Duration, log *slog.Logger) (WALCheck, error) {
	w, err := WALConfig(ctx, cfg, 0, "")
	if err != nil {
		return WALCheck{}, err
	}
	record := RecordCheck(cfg, log)
	var res WALCheck
	res.Continuity, err = walcheck.Archive(ctx, w, maxAge, record)
	var cerr error
	res.Copies, cerr = CheckArchiveCopies(ctx, cfg, record)
	return res, errors.Join(err, cerr)
}

// WALFetchCommand is restore_command running this binary's wal-fetch with
// the configuration file at configPath (none when "").
func WALFetchCommand(configPath string) string {
	self, _ := os.Executable()
	conf := ""
	if configPath != "" {
		abs, _ := filepath.Abs(configPath)
		conf = " --config " + abs
	}
	return fmt.Sprintf("%s wal-fetch%s %%f %%p", self, conf)
}
