package agent

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/klauspost/compress/zstd"

	"github.com/arcabackup/arca/pkg/seal"
	"github.com/arcabackup/arca/pkg/seal/keyring"
	"github.com/arcabackup/arca/pkg/wal"
)

// DirEnv names the agent's directory where `arca wal-push --agent-dir`
// and `arca wal-agent --dir` are not given.
const DirEnv = "ARCA_WAL_AGENT_DIR"

// Defaults of Config.
const (
	DefaultParallel  = 4
	DefaultLookAhead = 8
	// keep is how long a look-ahead result waits to be asked for.
	keep = 10 * time.Minute
)

// Config configures an agent.
type Config struct {
	// WAL is the archive and the keys; the keys should stay loaded (a
	// *keyring.Live that follows the keyring epoch, or a loaded keyring).
	WAL wal.Config
	// Dir holds the socket; it is created with mode 0700 if missing.
	Dir string
	// Parallel bounds the look-ahead pushes running at once
	// (DefaultParallel); requests themselves never wait for them.
	Parallel int
	// LookAhead is how many .ready files after a requested one are pushed
	// early (DefaultLookAhead; negative: none).
	LookAhead int
	Log       *slog.Logger
}

// Agent serves wal-push requests; see the package doc.
type Agent struct {
	cfg  Config
	sem  chan struct{}
	mu   sync.Mutex
	seen map[string]*entry // by file name
	// asked counts the requests in progress by file name: the look-ahead
	// leaves those files alone.
	asked map[string]int
	wg    sync.WaitGroup
}

// entry is one file being pushed or pushed: done is closed when res and
// err are set.
type entry struct {
	id   fileID
	at   time.Time
	done chan struct{}
	res  wal.PushResult
	err  error
}

// New checks cfg and returns an agent.
func New(cfg Config) (*Agent, error) {
	var errs []error
	if cfg.Dir == "" {
		errs = append(errs, errors.New("a socket directory is required"))
	}
	if cfg.WAL.Store == nil || cfg.WAL.Keys == nil {
		errs = append(errs, errors.New("a store and keys are required"))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("wal-agent config: %w", err)
	}
	if cfg.Parallel <= 0 {
		cfg.Parallel = DefaultParallel
	}
	if cfg.LookAhead == 0 {
		cfg.LookAhead = DefaultLookAhead
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.WAL.Sealer == nil {
		// One sealer for the agent's life, its encoders reused. Level 1:
		// on WAL it stores within 0.3% of level 3 at half the CPU, and
		// the CPU is the agent's latency.
		s, err := seal.NewSealer(seal.WithLevel(zstd.SpeedFastest))
		if err != nil {
			return nil, err
		}
		cfg.WAL.Sealer = s
	}
	return &Agent{cfg: cfg, sem: make(chan struct{}, cfg.Parallel), seen: map[string]*entry{}, asked: map[string]int{}}, nil
}

// Run listens on the socket until ctx ends, then stops accepting, lets the
// pushes in flight finish (their clients get their answers), and removes
// the socket.
func (a *Agent) Run(ctx context.Context) error {
	ln, err := Listen(a.cfg.Dir)
	if err != nil {
		return err
	}
	a.cfg.Log.Info("wal-agent listening", "socket", SocketPath(a.cfg.Dir), "parallel", a.cfg.Parallel, "look_ahead", a.cfg.LookAhead)
	return a.Serve(ctx, ln)
}

// Listen makes the directory (0700) and listens on its socket (0600). A
// socket left by an agent that died is replaced; one an agent still answers
// on is an error.
func Listen(dir string) (*net.UnixListener, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("wal-agent: %w", err)
	}
	path := SocketPath(dir)
	if c, err := net.Dial("unix", path); err == nil {
		_ = c.Close()
		return nil, fmt.Errorf("wal-agent: another agent listens on %s", path)
	}
	_ = os.Remove(path)
	// The socket is created with the process umask: tighten it before any
	// connection is accepted, and keep the directory closed meanwhile.
	ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: path, Net: "unix"})
	if err != nil {
		return nil, fmt.Errorf("wal-agent: listen %s: %w", path, err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		_ = ln.Close()
		return nil, fmt.Errorf("wal-agent: %w", err)
	}
	return ln, nil
}

// Serve answers on ln until ctx ends; see Run.
func (a *Agent) Serve(ctx context.Context, ln *net.UnixListener) error {
	ln.SetUnlinkOnClose(true)
	stop := context.AfterFunc(ctx, func() { _ = ln.Close() })
	defer stop()
	for {
		conn, err := ln.Accept()
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			_ = ln.Close()
			a.wg.Wait()
			return fmt.Errorf("wal-agent: accept: %w", err)
		}
		a.wg.Go(func() { a.serve(ctx, conn) })
	}
	a.wg.Wait()
	return nil
}

func (a *Agent) serve(ctx context.Context, conn net.Conn) {
	defer func() { _ = conn.Close() }()
	line, err := bufio.NewReader(conn).ReadBytes('\n')
	if err != nil {
		return
	}
	var req Request
	var resp Response
	if err := json.Unmarshal(line, &req); err != nil {
		resp.Error = fmt.Sprintf("bad request: %v", err)
	} else {
		resp = a.handle(context.WithoutCancel(ctx), req)
	}
	b, _ := json.Marshal(resp)
	_, _ = conn.Write(append(b, '\n'))
	_ = conn.Close()
	// After the answer, so that it never waits for the directory scan.
	if a.cfg.LookAhead > 0 && filepath.IsAbs(req.Path) {
		a.lookAhead(context.WithoutCancel(ctx), req.Path)
	}
}

// handle archives req.Path, or finds it archived by the look-ahead.
func (a *Agent) handle(ctx context.Context, req Request) Response {
	start := time.Now()
	if !filepath.IsAbs(req.Path) {
		return Response{Error: fmt.Sprintf("path %q is not absolute", req.Path)}
	}
	name := filepath.Base(req.Path)
	a.mu.Lock()
	a.asked[name]++
	a.mu.Unlock()
	defer func() {
		a.mu.Lock()
		if a.asked[name]--; a.asked[name] == 0 {
			delete(a.asked, name)
		}
		a.mu.Unlock()
	}()
	res, early := a.early(req.Path)
	var err error
	if !early {
		cfg := a.cfg.WAL
		cfg.AcceptTimeline = req.AcceptTimeline
		res, err = wal.Push(ctx, cfg, req.Path)
	}
	resp := Response{Key: res.Key, Plain: res.Plain, Sealed: res.Sealed, Existed: res.Existed, Early: early,
		Seconds: time.Since(start).Seconds()}
	if err != nil {
		resp.Error = err.Error()
		resp.Declined = errors.Is(err, keyring.ErrStale)
		a.cfg.Log.Warn("wal-agent push failed", "file", name, "declined", resp.Declined, "err", err)
	} else {
		a.cfg.Log.Debug("wal-agent pushed", "file", name, "early", early, "seconds", resp.Seconds)
	}
	return resp
}

// early returns the look-ahead result for path if there is one for the
// same file, waiting for it if it is in flight. It forgets the entry: a
// file is asked for once, and asked again only after a failure.
func (a *Agent) early(path string) (wal.PushResult, bool) {
	name := filepath.Base(path)
	a.mu.Lock()
	e := a.seen[name]
	a.mu.Unlock()
	if e == nil {
		return wal.PushResult{}, false
	}
	<-e.done
	a.mu.Lock()
	if a.seen[name] == e {
		delete(a.seen, name)
	}
	a.mu.Unlock()
	if e.err != nil {
		return wal.PushResult{}, false // push it again, and report that push's error
	}
	if id, err := statID(path); err != nil || id != e.id {
		return wal.PushResult{}, false // not the file that was pushed: push this one
	}
	return e.res, true
}
