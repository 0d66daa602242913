package pitr

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
)

// StartOptions start a restored server with pg_ctl.
type StartOptions struct {
	PGCtl   string   // pg_ctl of the backup's major version ("pg_ctl" on the PATH)
	LogFile string   // server log ("<pgdata>/../<base>.log" when empty)
	Port    int      // 0: the port in the restored configuration
	Env     []string // added to the environment: restore_command runs in it
}

// Start starts the server on pgdata and returns once it accepts
// connections (pg_ctl -w): during recovery that is when the WAL replayed so
// far is consistent; recovery goes on towards the target afterwards.
func Start(ctx context.Context, pgdata string, o StartOptions) error {
	if o.PGCtl == "" {
		o.PGCtl = "pg_ctl"
	}
	if o.LogFile == "" {
		o.LogFile = pgdata + ".log"
	}
	args := []string{"-D", pgdata, "-l", o.LogFile, "-w", "-t", "3600"}
	if o.Port != 0 {
		args = append(args, "-o", "-p "+strconv.Itoa(o.Port))
	}
	cmd := exec.CommandContext(ctx, o.PGCtl, append(args, "start")...)
	cmd.Env = append(os.Environ(), o.Env...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("start server on %s: %w: %s (log: %s)", pgdata, err, strings.TrimSpace(out.String()), o.LogFile)
	}
	return nil
}
