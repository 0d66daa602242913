package agent_test

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/objstore"
	"github.com/arcabackup/arca/pkg/objstore/fsstore"
	"github.com/arcabackup/arca/pkg/seal/keyring"
	"github.com/arcabackup/arca/pkg/seal/keyring/keyringtest"
	"github.com/arcabackup/arca/pkg/teststack"
	"github.com/arcabackup/arca/pkg/wal"
	"github.com/arcabackup/arca/pkg/wal/agent"
)

type bundle struct {
	cfg   wal.Config
	dir   string // the agent's socket directory
	pgwal string // with archive_status
}

func setup(t *testing.T) bundle {
	t.Helper()
	store, err := fsstore.New(t.TempDir())
	require.NoError(t, err)
	keys := keyringtest.New(t)
	b := bundle{
		cfg:   wal.Config{Store: store, Layout: backup.Layout{Prefix: "prod"}, Keys: keys, SegmentSize: 1 << 20},
		dir:   filepath.Join(t.TempDir(), "agent"),
		pgwal: t.TempDir(),
	}
	require.NoError(t, os.Mkdir(filepath.Join(b.pgwal, "archive_status"), 0o700))
	return b
}

// start runs an agent on b.dir until the test ends.
func (b bundle) start(t *testing.T, cfg wal.Config) {
	t.Helper()
	a, err := agent.New(agent.Config{WAL: cfg, Dir: b.dir})
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		require.NoError(t, <-done)
	})
	teststack.Eventually(t, 10*time.Second, func() bool { ok, _ := agentDial(b.dir); return ok }, "the agent to listen")
}

// segment writes segment number n (ready for archiving when ready) and
// returns its path.
func (b bundle) segment(t *testing.T, n int, ready bool) string {
	t.Helper()
	name := fmt.Sprintf("0000000100000000%08X", n)
	data := make([]byte, 64<<10)
	_, _ = rand.Read(data[:1024])
	p := filepath.Join(b.pgwal, name)
	require.NoError(t, os.WriteFile(p, data, 0o600))
	if ready {
		require.NoError(t, os.WriteFile(filepath.Join(b.pgwal, "archive_status", name+".ready"), nil, 0o600))
	}
	return p
}

func (b bundle) archived(t *testing.T, path string) bool {
	t.Helper()
	f, err := wal.ParseName(filepath.Base(path))
	require.NoError(t, err)
	_, err = b.cfg.Store.Stat(t.Context(), b.cfg.Key(f))
	if errors.Is(err, objstore.ErrNotFound) {
		return false
	}
	require.NoError(t, err)
	return true
}

func TestPushThroughAgent(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.start(t, b.cfg)
	fi, err := os.Stat(agent.SocketPath(b.dir))
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), fi.Mode().Perm(), "the socket is the owner's only")
	di, err := os.Stat(b.dir)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o700), di.Mode().Perm())

	seg := b.segment(t, 1, true)
	resp, err := agent.Push(t.Context(), b.dir, seg, 0)
	require.NoError(t, err)
	require.False(t, resp.Existed)
	require.True(t, b.archived(t, seg))

	// What the agent stored is what wal-fetch brings back.
	dest := filepath.Join(t.TempDir(), "RECOVERYXLOG")
	_, err = wal.Fetch(t.Context(), b.cfg, filepath.Base(seg), dest)
	require.NoError(t, err)
	want, _ := os.ReadFile(seg)
	got, _ := os.ReadFile(dest)
	require.Equal(t, want, got)

	resp, err = agent.Push(t.Context(), b.dir, seg, 0)
	require.NoError(t, err)
	require.True(t, resp.Existed, "the same file again")

	// The same guards as wal-push: another file under the name fails, and
	// is not a fallback.
	require.NoError(t, os.WriteFile(seg, []byte("another"), 0o600))
	_, err = agent.Push(t.Context(), b.dir, seg, 0)
	require.Error(t, err)
	require.NotErrorIs(t, err, agent.ErrNoAgent)
	require.Contains(t, err.Error(), "refusing to overwrite")

	// A timeline without its history in the archive is refused too.
	tl2 := filepath.Join(b.pgwal, "000000020000000000000005")
	require.NoError(t, os.WriteFile(tl2, []byte("x"), 0o600))
	_, err = agent.Push(t.Context(), b.dir, tl2, 0)
	require.ErrorContains(t, err, "has no history in the archive")
}

func TestNoAgentIsAFallback(t *testing.T) {
	t.Parallel()
	b := setup(t)
	_, err := agent.Push(t.Context(), b.dir, b.segment(t, 1, true), 0)
	require.ErrorIs(t, err, agent.ErrNoAgent)

	// A socket left by an agent that died: still a fallback, and a new
	// agent takes its place.
	ln, err := agent.Listen(b.dir)
	require.NoError(t, err)
	ln.SetUnlinkOnClose(false)
	require.NoError(t, ln.Close())
	_, err = os.Stat(agent.SocketPath(b.dir))
	require.NoError(t, err)
	_, err = agent.Push(t.Context(), b.dir, b.segment(t, 1, true), 0)
	require.ErrorIs(t, err, agent.ErrNoAgent)
	b.start(t, b.cfg)
	_, err = agent.Push(t.Context(), b.dir, b.segment(t, 1, true), 0)
	require.NoError(t, err)

	_, err = agent.Listen(b.dir)
	require.ErrorContains(t, err, "another agent listens")
}

func TestLookAheadPushesReadyFilesEarly(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.start(t, b.cfg)
	var segs []string
	for n := 1; n <= 6; n++ {
		segs = append(segs, b.segment(t, n, true))
	}
	_, err := agent.Push(t.Context(), b.dir, segs[0], 0)
	require.NoError(t, err)
	teststack.Eventually(t, 30*time.Second, func() bool {
		for _, s := range segs {
			if !b.archived(t, s) {
				return false
			}
		}
		return true
	}, "the ready files archived ahead")
	resp, err := agent.Push(t.Context(), b.dir, segs[1], 0)
	require.NoError(t, err)
	require.True(t, resp.Early, "answered from the look-ahead")

	// A file replaced since it was pushed ahead is pushed again: here it
	// differs from the archived one, and the guard refuses it.
	tmp := segs[2] + ".tmp"
	require.NoError(t, os.WriteFile(tmp, []byte("rewritten"), 0o600))
	require.NoError(t, os.Rename(tmp, segs[2]))
	_, err = agent.Push(t.Context(), b.dir, segs[2], 0)
	require.ErrorContains(t, err, "refusing to overwrite")
}

func TestStaleKeyringDeclines(t *testing.T) {
	t.Parallel()
	b := setup(t)
	cfg := b.cfg
	// A live keyring that holds nothing yet (its epoch is not loaded).
	cfg.Keys = keyring.NewLive(func(context.Context) (*keyring.Keyring, error) { return nil, errors.New("unused") })
	b.start(t, cfg)
	_, err := agent.Push(t.Context(), b.dir, b.segment(t, 1, true), 0)
	require.ErrorIs(t, err, agent.ErrNoAgent, "the caller pushes it itself")
}
