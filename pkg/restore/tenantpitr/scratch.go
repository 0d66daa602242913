package tenantpitr

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/arcabackup/arca/pkg/wal/pitr"
)

// scratch is the PostgreSQL cluster one restore starts and removes.
type scratch struct {
	dir    string // everything: pgdata, the server log, the spool
	pgdata string
	log    string
	sock   string // the unix socket directory (short: the path has a length limit)
	port   int
	bin    string
	env    []string
	owner  *owner
}

// newScratch creates the private directories of a scratch cluster.
func newScratch(tempDir, bin string, env []string) (*scratch, error) {
	o, err := serverOwner()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp(tempDir, "arca-tenantpitr-")
	if err != nil {
		return nil, fmt.Errorf("create scratch directory: %w", err)
	}
	s := &scratch{dir: dir, pgdata: filepath.Join(dir, "pgdata"), log: filepath.Join(dir, "server.log"), bin: bin, env: env, owner: o}
	if s.sock, err = os.MkdirTemp("", "arca-pitr-sock-"); err != nil {
		_ = os.RemoveAll(dir)
		return nil, fmt.Errorf("create scratch socket directory: %w", err)
	}
	if s.port, err = freePort(); err != nil {
		_ = s.remove()
		return nil, err
	}
	if err := o.chown(dir, s.sock); err != nil {
		_ = s.remove()
		return nil, fmt.Errorf("give the scratch directory to %s: %w", serverUser, err)
	}
	return s, nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer func() { _ = l.Close() }()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// configure makes the restored data directory a private, non-archiving
// server: settings appended to postgresql.auto.conf win over the source's.
func (s *scratch) configure() error {
	conf := filepath.Join(s.pgdata, "postgresql.conf")
	if _, err := os.Stat(conf); errors.Is(err, os.ErrNotExist) {
		// Debian keeps postgresql.conf in /etc: the base backup has none.
		if err := os.WriteFile(conf, nil, 0o600); err != nil {
			return err
		}
	}
	// Recovery, not standby: a standby never promotes.
	if err := os.Remove(filepath.Join(s.pgdata, "standby.signal")); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	hba := filepath.Join(s.pgdata, "pg_hba.conf")
	if err := os.WriteFile(hba, []byte("# arca tenant pitr scratch cluster: its private unix socket only\nlocal all all trust\n"), 0o600); err != nil {
		return err
	}
	ident := filepath.Join(s.pgdata, "pg_ident.conf")
	if _, err := os.Stat(ident); errors.Is(err, os.ErrNotExist) {
		if err := os.WriteFile(ident, nil, 0o600); err != nil {
			return err
		}
	}
	lines := []string{
		"# arca tenant pitr: a scratch cluster, private, never archiving",
		"listen_addresses = ''",
		"unix_socket_directories = " + pitr.Quote(s.sock),
		"unix_socket_permissions = 0700",
		"port = " + strconv.Itoa(s.port),
		"archive_mode = off",
		"archive_command = ''",
		"archive_cleanup_command = ''",
		"recovery_end_command = ''",
		"primary_conninfo = ''",
		"primary_slot_name = ''",
		"hot_standby = on",
		"ssl = off",
		"hba_file = " + pitr.Quote(hba),
		"ident_file = " + pitr.Quote(ident),
		"logging_collector = off",
		"log_destination = 'stderr'",
		"cluster_name = 'arca-tenantpitr'",
	}
	if err := pitr.AppendSettings(s.pgdata, lines); err != nil {
		return err
	}
	return s.owner.chown(s.dir)
}

// start starts the server; pg_ctl returns once it accepts connections,
// which during recovery is once the replayed WAL is consistent.
func (s *scratch) start(ctx context.Context) error {
	cmd := exec.CommandContext(ctx, filepath.Join(s.bin, "pg_ctl"), "-D", s.pgdata, "-l", s.log, "-w", "-t", "86400", "start")
	cmd.Env = append(os.Environ(), s.env...)
	s.owner.apply(cmd)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("start scratch cluster: %w: %s%s", err, strings.TrimSpace(out.String()), s.logTail())
	}
	return nil
}

// url is a connection to database db as user on the private socket.
func (s *scratch) url(user, db string) string {
	q := url.Values{"host": {s.sock}, "port": {strconv.Itoa(s.port)}, "sslmode": {"disable"}}
	u := url.URL{Scheme: "postgres", User: url.User(user), Host: "", Path: "/" + db, RawQuery: q.Encode()}
	return u.String()
}

// running reports whether the postmaster still runs.
func (s *scratch) running() bool {
	_, err := os.Stat(filepath.Join(s.pgdata, "postmaster.pid"))
	return err == nil
}

// waitPromoted waits until recovery reached the target and the server
// promoted, and returns the commit time of the last transaction replayed.
func (s *scratch) waitPromoted(ctx context.Context, connURL string) (time.Time, error) {
	delay := 50 * time.Millisecond
	var last error
	for {
		recovering, replayed, err := s.recoveryState(ctx, connURL)
		switch {
		case err == nil && !recovering:
			return replayed, nil
		case err != nil:
			last = err
		}
		if !s.running() {
			return time.Time{}, fmt.Errorf("scratch cluster stopped during recovery (%v)%s", last, s.logTail())
		}
		select {
		case <-ctx.Done():
			return time.Time{}, ctx.Err()
		case <-time.After(delay):
		}
		delay = min(delay*2, time.Second)
	}
}

func (s *scratch) recoveryState(ctx context.Context, connURL string) (bool, time.Time, error) {
	cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(cctx, connURL)
	if err != nil {
		return false, time.Time{}, err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	var recovering bool
	var replayed *time.Time
	if err := conn.QueryRow(cctx, "SELECT pg_is_in_recovery(), pg_last_xact_replay_timestamp()").Scan(&recovering, &replayed); err != nil {
		return false, time.Time{}, err
	}
	if replayed == nil {
		return recovering, time.Time{}, nil
	}
	return recovering, replayed.UTC(), nil
}

// logTail is the server's last FATAL or PANIC lines: recovery's own words
// on why it stopped (they name WAL positions and settings, never rows).
func (s *scratch) logTail() string {
	b, err := os.ReadFile(s.log)
	if err != nil {
		return ""
	}
	var keep []string
	for _, line := range strings.Split(string(b), "\n") {
		if strings.Contains(line, "FATAL:") || strings.Contains(line, "PANIC:") {
			keep = append(keep, strings.TrimSpace(line))
		}
	}
	if len(keep) > 3 {
		keep = keep[len(keep)-3:]
	}
	if len(keep) == 0 {
		return ""
	}
	return "; server log: " + strings.Join(keep, " | ")
}

// remove stops the server at once and deletes every file of the scratch
// cluster. It runs whatever the restore's outcome, so it ignores the
// restore's context.
func (s *scratch) remove() error {
	var errs []error
	if _, err := os.Stat(s.pgdata); err == nil {
		// Twice: a postmaster that pg_ctl start left half-started when the
		// restore was cancelled may write its pid file late.
		for range 2 {
			if !s.running() {
				break
			}
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			cmd := exec.CommandContext(ctx, filepath.Join(s.bin, "pg_ctl"), "-D", s.pgdata, "-m", "immediate", "-w", "stop")
			s.owner.apply(cmd)
			if out, err := cmd.CombinedOutput(); err != nil && s.running() {
				errs = append(errs, fmt.Errorf("stop scratch cluster: %w: %s", err, strings.TrimSpace(string(out))))
			}
			cancel()
		}
	}
	for _, d := range []string{s.dir, s.sock} {
		if d != "" {
			if err := os.RemoveAll(d); err != nil {
				errs = append(errs, fmt.Errorf("remove scratch directory: %w", err))
			}
		}
	}
	return errors.Join(errs...)
}
