package pgdump

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// connectTimeout bounds pg_dump's connection attempt (PGCONNECT_TIMEOUT).
const connectTimeout = "10"

// Run runs pg_dump (or pg_dumpall) with args against the database at connURL, streaming its
// standard output to stdout.
func Run(ctx context.Context, bin Binary, connURL string, args []string, stdout io.Writer) error {
	dbname, password := splitPassword(connURL)
	full := append([]string{"--no-password", "--dbname=" + dbname}, args...)
	cmd := exec.CommandContext(ctx, bin.Path, full...)
	cmd.Stdin = nil
	cmd.Stdout = stdout
	stderr := &tail{max: 4096}
	cmd.Stderr = stderr
	cmd.WaitDelay = 5 * time.Second
	cmd.Env = append(os.Environ(), "PGCONNECT_TIMEOUT="+connectTimeout, "PGAPPNAME=arca-exporter")
	if password != "" {
		cmd.Env = append(cmd.Env, "PGPASSWORD="+password)
	}
	if err := cmd.Run(); err != nil {
		name := filepath.Base(bin.Path) // pg_dump or pg_dumpall
		if ctx.Err() != nil {
			return fmt.Errorf("%s: %w", name, ctx.Err())
		}
		return fmt.Errorf("%s: %w: %s", name, err, strings.TrimSpace(stderr.String()))
	}
	return nil
}

// splitPassword takes the password out of a postgres:// URL so that it
// travels in the environment, not on the command line. Keyword/value
// connection strings are passed through unchanged.
func splitPassword(connURL string) (string, string) {
	u, err := url.Parse(connURL)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") || u.User == nil {
		return connURL, ""
	}
	password, ok := u.User.Password()
	if !ok {
		return connURL, ""
	}
	u.User = url.User(u.User.Username())
	return u.String(), password
}

// tail keeps the last max bytes written to it.
type tail struct {
	max int
	buf bytes.Buffer
}

func (t *tail) Write(p []byte) (int, error) {
	t.buf.Write(p)
	if over := t.buf.Len() - t.max; over > 0 {
		t.buf.Next(over)
	}
	return len(p), nil
}

func (t *tail) String() string { return t.buf.String() }
